"""Who may run campaigns and use or change e-mail templates (the rules beside ``access.py``).

Campaigns are for admins and managers; within that, who may change a campaign or a
template is the record rule of its owner and team (``access.can_edit``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.accounts.access import can_edit, visible_to
from rapport.accounts.models import Role, User
from rapport.campaigns.models import EmailTemplate
from rapport.core.errors import PermissionDenied


def can_run_campaigns(user: User) -> bool:
    return user.is_active and (user.is_admin or user.role == Role.MANAGER)


def require_campaigner(user: User) -> None:
    if not can_run_campaigns(user):
        raise PermissionDenied("Only admins and managers run campaigns.")


def can_change_template(user: User, template: EmailTemplate) -> bool:
    """Writers make templates; who may change a record of its owner and team changes it."""
    return can_edit(user, template)


def templates_usable(user: User) -> QuerySet[EmailTemplate]:
    """Templates ``user`` may send (to one person, or in a campaign): those they may see."""
    return visible_to(EmailTemplate.objects.all(), user)
