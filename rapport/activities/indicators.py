"""Interact: work that is late. (Touches per tier need the scores too: rapport/playbooks.)"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from rapport.activities.models import Task, TaskStatus
from rapport.activities.selectors import visible_tasks
from rapport.core.indicators import Reading, Scope, register_indicator
from rapport.people.models import Person


def overdue_tasks(scope: Scope) -> QuerySet[Task]:
    tasks = Task.objects.filter(status=TaskStatus.OPEN, due_at__lt=timezone.now())
    if scope.kind != "workspace":
        tasks = tasks.filter(assignee__in=scope.members().values("pk"))
    if scope.viewer is not None:
        tasks = tasks.filter(pk__in=visible_tasks(scope.viewer).values("pk"))
    return tasks


def people_with_overdue_tasks(scope: Scope) -> QuerySet[Person]:
    return scope.people().filter(pk__in=overdue_tasks(scope).values("people"))


def overdue_task_count(scope: Scope) -> Reading:
    return Reading(float(overdue_tasks(scope).count()))


def register() -> None:
    register_indicator(
        "interact.overdue_tasks",
        name="Overdue tasks",
        definition=(
            "Open tasks whose due time has passed. For a team: tasks assigned to its "
            "members; for an owner: tasks assigned to them; a viewer counts only tasks they "
            "may see."
        ),
        unit="count",
        better="lower",
        compute=overdue_task_count,
        drilldown=people_with_overdue_tasks,
        drilldown_label="People with an overdue task",
    )
