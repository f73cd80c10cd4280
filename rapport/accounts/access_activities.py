"""Who may see and change tasks and logged activities (the rules beside ``access.py``).

- A task: its assignee, its creator, the managers of the assignee's teams and admins
  see it; the assignee, their manager and admins change it.
- A note, call or meeting: its author, an admin, or a manager who may change one of
  the records it is linked to changes it. E-mails, campaign sends and tasks on the
  timeline are records of what happened: nobody changes them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from rapport.accounts.access import can_edit
from rapport.accounts.models import Role, User
from rapport.activities.models import HAND_LOGGED, Activity, Task
from rapport.core.errors import NotFound, PermissionDenied
from rapport.people.models import Organization, Person


def manages(manager: User, user: User) -> bool:
    return manager.role == Role.MANAGER and bool(manager.team_ids & user.team_ids)


def can_see_task(user: User, task: Task) -> bool:
    if not user.is_active:
        return False
    if user.is_admin or user.pk in (task.assignee_id, task.created_by_id):
        return True
    return manages(user, task.assignee)


def can_change_task(user: User, task: Task) -> bool:
    if not user.is_active or user.role == Role.VIEWER:
        return False
    return user.is_admin or task.assignee_id == user.pk or manages(user, task.assignee)


def require_task_change(user: User, task: Task) -> None:
    if not can_change_task(user, task):
        raise PermissionDenied("Only the assignee, their manager or an admin can change this task.")


def visible_tasks(user: User) -> QuerySet[Task]:
    """The tasks ``user`` may see (``can_see_task`` as a filter)."""
    tasks = Task.objects.select_related("assignee", "created_by")
    if not user.is_active:
        return tasks.none()
    if user.is_admin:
        return tasks
    scope = Q(assignee=user) | Q(created_by=user)
    if user.role == Role.MANAGER and user.team_ids:
        members = User.objects.filter(teams__in=list(user.team_ids)).values("pk")
        scope |= Q(assignee__in=members)
    return tasks.filter(scope)


def access_task(user: User, pk: int, *, for_write: bool = False) -> Task:
    """The task ``pk`` if ``user`` may see it (and, with ``for_write``, change it)."""
    task = visible_tasks(user).filter(pk=pk).first()
    if task is None:
        raise NotFound("No such task, or you may not see it.")
    if for_write:
        require_task_change(user, task)
    return task


def can_change_activity(user: User, activity: Activity) -> bool:
    """The author, an admin, or a manager who may change one of the linked records."""
    if not user.is_active or user.role == Role.VIEWER or activity.kind not in HAND_LOGGED:
        return False
    if user.is_admin or activity.actor_id == user.pk:
        return True
    if user.role != Role.MANAGER:
        return False
    people = Person.objects.filter(pk__in=activity.links.values("person_id"))
    orgs = Organization.objects.filter(pk__in=activity.links.values("organization_id"))
    return any(can_edit(user, r) for r in [*people, *orgs])


def require_activity_change(user: User, activity: Activity) -> None:
    if activity.kind not in HAND_LOGGED:
        raise PermissionDenied(
            "E-mails, campaign sends and tasks are records of what happened; they cannot be changed here."
        )
    if not can_change_activity(user, activity):
        raise PermissionDenied("Only the author, their manager or an admin can change this.")
