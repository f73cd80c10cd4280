"""Who may see and set objectives: the rules in one place.

An objective's numbers are the indicator's over its scope, so a user sees an
objective when they may read that scope's snapshots (``Scope.sees_everything_in_it``),
when they answer for the scope, or when they own it. Setting one follows who answers for the scope: the workspace's
are the admin's; a team's, its manager's (and the admin's); an owner's, that user's,
their team manager's and the admin's.
"""

from __future__ import annotations

from rapport.accounts.access import can_write
from rapport.accounts.models import Role, User
from rapport.core.indicators import Scope


def objective_scope(kind: str, scope_id: int, viewer: User | None) -> Scope:
    if kind == "workspace":
        return Scope(viewer=viewer)
    return Scope(kind, scope_id, viewer)  # type: ignore[arg-type]  # stored kinds are checked on write


def can_see_objective(user: User, objective: object) -> bool:
    """Its owner, those who may read its scope's snapshots, and those who answer for the
    scope (a rep's manager follows the rep's objectives, whose numbers cover all the rep's
    records, including any filed under another team)."""
    if getattr(objective, "owner_id", None) == user.pk:
        return True
    scope = objective_scope(objective.scope_kind, objective.scope_id, user)  # type: ignore[attr-defined]
    return scope.sees_everything_in_it() or can_set_objective_for(user, scope)


def can_set_objective_for(user: User, scope: Scope) -> bool:
    if not can_write(user):
        return False
    if user.is_admin:
        return True
    if scope.kind == "workspace":
        return False
    if scope.kind == "team":
        return user.role == Role.MANAGER and scope.id in user.team_ids
    if scope.id == user.pk:
        return True
    if user.role != Role.MANAGER:
        return False
    owner = User.objects.filter(pk=scope.id or 0).first()
    return owner is not None and bool(owner.team_ids & user.team_ids)
