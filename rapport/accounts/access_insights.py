"""Who may recompute customer value, share and change segments, and follow a recompute
(the rules beside ``access.py``)."""

from __future__ import annotations

from rapport.accounts.models import Role, User
from rapport.core.errors import NotFound, PermissionDenied
from rapport.insights.models import ModelRun, Segment


def can_recompute(user: User) -> bool:
    """Managers and admins recompute the value models and share segments with everyone."""
    return user.is_active and (user.is_admin or user.role == Role.MANAGER)


def require_segment_owner(user: User, segment: Segment) -> None:
    if not (user.is_admin or segment.owner_id == user.pk):
        raise PermissionDenied("Only the segment's owner or an admin can change it.")


def access_model_run(user: User, pk: int) -> ModelRun:
    """A recompute's progress: workspace-wide, like the portfolio it refreshes, so every
    signed-in user may follow it."""
    run = ModelRun.objects.filter(pk=pk).first() if user.is_active else None
    if run is None:
        raise NotFound("No such recompute.")
    return run
