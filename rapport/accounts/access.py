"""Who may see and change which records: the only place the rules live.

Every page, API operation, search, filter, bulk action, export and count goes
through ``visible_to`` / ``editable_by`` (Zulip's ``access_*`` idea), so a
record a user may not see cannot leak through any of them.

- admin: everything.
- manager: records they own or that belong to one of their teams; writes too.
- rep: depends on the workspace visibility — private: own records; team: own and
  their teams'; everyone: all (but writes stay limited to own and their teams').
- viewer: sees what a rep would see; never writes.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from rapport.accounts.models import Role, User, Visibility, WorkspaceSettings
from rapport.core.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=Model)


def _visibility(user: User) -> str:
    cached = getattr(user, "_rapport_visibility", None)
    if cached is None:
        cached = WorkspaceSettings.current().visibility
        user._rapport_visibility = cached  # type: ignore[attr-defined]
    return str(cached)


def _own_or_team(user: User) -> Q:
    return Q(owner_id=user.pk) | Q(team_id__in=sorted(user.team_ids))


def read_scope(user: User) -> Q | None:
    """A filter for the records ``user`` may see; None means no restriction."""
    if not user.is_active:
        return Q(pk__in=[])
    if user.is_admin:
        return None
    if user.role == Role.MANAGER:
        return _own_or_team(user)
    visibility = _visibility(user)
    if visibility == Visibility.EVERYONE:
        return None
    if visibility == Visibility.PRIVATE:
        return Q(owner_id=user.pk)
    return _own_or_team(user)


def write_scope(user: User) -> Q | None:
    if not user.is_active or user.role == Role.VIEWER:
        return Q(pk__in=[])
    if user.is_admin:
        return None
    if user.role == Role.REP and _visibility(user) == Visibility.PRIVATE:
        return Q(owner_id=user.pk)
    return _own_or_team(user)


def visible_to(queryset: QuerySet[M], user: User) -> QuerySet[M]:
    scope = read_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def editable_by(queryset: QuerySet[M], user: User) -> QuerySet[M]:
    scope = write_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def can_write(user: User) -> bool:
    return user.is_active and user.role != Role.VIEWER


def can_edit(user: User, record: Any) -> bool:
    if not can_write(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.REP and _visibility(user) == Visibility.PRIVATE:
        return bool(record.owner_id == user.pk)
    return bool(record.owner_id == user.pk or record.team_id in user.team_ids)


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied("Only an admin can do this.")


def require_writer(user: User) -> None:
    if not can_write(user):
        raise PermissionDenied("Your role is read-only.")


def access_record(queryset: QuerySet[M], user: User, *, pk: int, for_write: bool = False) -> M:
    """Fetch one record the user may see (and, with ``for_write``, change).

    A record the user may not see is reported as not found, so its existence
    does not leak; one they may see but not change is a permission error.
    """
    obj = visible_to(queryset, user).filter(pk=pk).first()
    if obj is None:
        raise NotFound("No such record, or you may not see it.")
    if for_write and not can_edit(user, obj):
        raise PermissionDenied("You may see this record but not change it.")
    return obj


def assignable_owner_ok(user: User, owner: User | None) -> bool:
    """Reps may only give records to themselves or people in their teams."""
    if owner is None or user.is_admin or owner.pk == user.pk:
        return True
    return bool(owner.team_ids & user.team_ids)
