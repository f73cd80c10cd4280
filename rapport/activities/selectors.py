"""Reads: which activities, tasks and notifications a user may see.

- An activity is visible iff the user may see at least one of its records, or wrote it.
- A task is visible to its assignee, its creator, the managers of the assignee's
  teams, and admins.
- Notifications are their user's alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from rapport.accounts.access import read_scope, visible_to
from rapport.accounts.access_activities import access_task, visible_tasks
from rapport.accounts.models import Role, User
from rapport.activities.models import Activity, ActivityLink, Notification, Task, TaskStatus
from rapport.core.entities import entity_kind
from rapport.core.errors import NotFound
from rapport.people.models import Organization, Person


def visible_activities(user: User) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("actor")
    if not user.is_active:
        return activities.none()
    if read_scope(user) is None:
        return activities
    people = visible_to(Person.objects.all(), user).values("pk")
    orgs = visible_to(Organization.objects.all(), user).values("pk")
    on_visible_record = ActivityLink.objects.filter(activity=OuterRef("pk")).filter(
        Q(person__in=people) | Q(organization__in=orgs)
    )
    return activities.filter(Q(actor=user) | Exists(on_visible_record))


def activity_detail(*, user: User, pk: int) -> Activity:
    activity = visible_activities(user).filter(pk=pk).first()
    if activity is None:
        raise NotFound("No such activity, or you may not see it.")
    return activity


def activity_records(activity: Activity) -> tuple[list[int], list[int]]:
    """The ids of the people and organisations an activity is linked to."""
    pairs = list(activity.links.values_list("person_id", "organization_id"))
    return [p for p, _ in pairs if p], [o for _, o in pairs if o]


def record_activity_links(
    *, entity: str, record: Any, kinds: list[str] | None = None
) -> QuerySet[ActivityLink]:
    """A record's activities, newest first, as links (the index the timeline scans)."""
    links = ActivityLink.objects.filter(**{entity: record})
    if kinds:
        links = links.filter(kind__in=kinds)
    return links.select_related("activity__actor").order_by("-occurred_at", "-activity")


def task_detail(*, user: User, pk: int) -> Task:
    return access_task(user, pk)


def record_tasks(*, user: User, entity: str, record: Any) -> QuerySet[Task]:
    return visible_tasks(user).filter(**{entity_kind(entity).collection: record})


@dataclass
class TaskGroups:
    overdue: list[Task] = field(default_factory=list)
    today: list[Task] = field(default_factory=list)
    upcoming: list[Task] = field(default_factory=list)
    someday: list[Task] = field(default_factory=list)
    snoozed: list[Task] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(
            len(g) for g in (self.overdue, self.today, self.upcoming, self.someday, self.snoozed)
        )


def group_tasks(tasks: list[Task], *, now: datetime | None = None) -> TaskGroups:
    """Overdue, due today (the user's local day), upcoming, without a date, snoozed."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    end_of_today = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    groups = TaskGroups()
    for task in tasks:
        if task.snoozed_until and task.snoozed_until > now:
            groups.snoozed.append(task)
        elif task.due_at is None:
            groups.someday.append(task)
        elif task.due_at < now:
            groups.overdue.append(task)
        elif task.due_at < end_of_today:
            groups.today.append(task)
        else:
            groups.upcoming.append(task)
    return groups


OPEN_TASK_LIMIT = 500


def my_open_tasks(user: User) -> list[Task]:
    return list(
        Task.objects.filter(assignee=user, status=TaskStatus.OPEN)
        .select_related("assignee", "created_by")
        .prefetch_related("people", "organizations")
        .order_by("due_at", "id")[:OPEN_TASK_LIMIT]
    )


def team_open_tasks(user: User) -> list[Task]:
    """The open tasks of everyone in the manager's teams (admins: everyone's)."""
    tasks = Task.objects.filter(status=TaskStatus.OPEN)
    if not user.is_admin:
        if user.role != Role.MANAGER:
            return []
        tasks = tasks.filter(
            assignee__in=User.objects.filter(teams__in=list(user.team_ids)).values("pk")
        )
    return list(
        tasks.select_related("assignee")
        .prefetch_related("people", "organizations")
        .order_by("assignee__username", "due_at", "id")[:OPEN_TASK_LIMIT]
    )


def recently_done_tasks(user: User, limit: int = 20) -> list[Task]:
    return list(
        Task.objects.filter(assignee=user, status=TaskStatus.DONE).order_by("-completed_at")[:limit]
    )


def assignable_users(user: User) -> QuerySet[User]:
    """Whom ``user`` may give a task to: admins anyone, others themselves and their teams."""
    users = User.objects.filter(is_active=True).exclude(role=Role.VIEWER)
    if user.is_admin:
        return users
    return users.filter(Q(pk=user.pk) | Q(teams__in=list(user.team_ids))).distinct()


def user_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_detail(*, user: User, pk: int) -> Notification:
    notification = user_notifications(user).filter(pk=pk).first()
    if notification is None:
        raise NotFound("No such notification.")
    return notification


def unread_count(user: User) -> int:
    from rapport.activities.bell import unread_count as counted_and_cached

    return counted_and_cached(user)
