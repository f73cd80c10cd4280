"""/tasks: list, create, read, change, delete, complete and snooze tasks."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.activities import task_services
from rapport.activities.api.schemas import (
    SnoozeIn,
    TaskChange,
    TaskCreate,
    TaskListParams,
    TaskOut,
    TaskPage,
)
from rapport.activities.models import Task
from rapport.activities.selectors import task_detail, visible_tasks
from rapport.api.auth import current_user
from rapport.api.concurrency import conditional_get, etag_for, expected_version
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.core.errors import ValidationFailed
from rapport.core.params import id_or_none
from rapport.people.models import Organization, Person

router = Router(tags=["tasks"])


def serialize(tasks: Iterable[Task], user: User) -> list[dict[str, object]]:
    rows = list(tasks)
    people_links = list(
        Task.people.through.objects.filter(task__in=rows).values_list("task_id", "person_id")
    )
    org_links = list(
        Task.organizations.through.objects.filter(task__in=rows).values_list(
            "task_id", "organization_id"
        )
    )
    people = set(
        visible_to(Person.objects.filter(pk__in={p for _, p in people_links}), user).values_list(
            "pk", flat=True
        )
    )
    orgs = set(visible_to(Organization.objects.filter(pk__in={o for _, o in org_links}), user).values_list("pk", flat=True))  # fmt: skip
    return [
        {
            "id": t.pk, "title": t.title, "notes": t.notes, "due_at": t.due_at, "assignee_id": t.assignee_id,
            "created_by_id": t.created_by_id, "priority": t.priority, "recurrence": t.recurrence,
            "status": t.status, "completed_at": t.completed_at, "snoozed_until": t.snoozed_until,
            "people": sorted(p for tid, p in people_links if tid == t.pk and p in people),
            "organizations": sorted(o for tid, o in org_links if tid == t.pk and o in orgs),
            "created_at": t.created_at, "updated_at": t.updated_at, "version": t.version,
        }
        for t in rows
    ]  # fmt: skip


def _one(request: HttpRequest, task_id: int, response: HttpResponse) -> dict[str, object]:
    user = current_user(request)
    task = task_detail(user=user, pk=task_id)
    response["ETag"] = etag_for(task)
    return serialize([task], user)[0]


@router.get("/tasks", response={200: TaskPage, **ERRORS}, summary="List tasks")
def list_tasks(request: HttpRequest, params: Query[TaskListParams]) -> dict[str, object]:
    """Tasks you may see (yours, ones you set, your teams' if you manage them; all for admins),
    newest first."""
    user = current_user(request)
    qs = visible_tasks(user)
    if params.status:
        qs = qs.filter(status=params.status.value)
    if params.assignee:
        assignee = user.pk if params.assignee == "me" else id_or_none(params.assignee)
        if assignee is None:
            raise ValidationFailed({"assignee": ["A user id or `me`."]})
        qs = qs.filter(assignee_id=assignee)
    if params.person is not None:
        qs = qs.filter(people=params.person)
    if params.organization is not None:
        qs = qs.filter(organizations=params.organization)
    page = paginate(request, qs.order_by("-created_at", "-id"), sort="tasks", limit=params.limit)
    return {"results": serialize(page.items, user), "next": page.next_url}


@router.post("/tasks", response={201: TaskOut, **WRITE_ERRORS}, summary="Create a task")
def create_task(
    request: HttpRequest, payload: TaskCreate, response: HttpResponse
) -> Status[dict[str, object]]:
    """Reps may assign tasks to themselves or their teams; a reminder fires at `due_at`."""
    task = task_services.task_create(actor=current_user(request), data=payload.to_service_data())
    response["Location"] = request.build_absolute_uri(f"{request.path}/{task.pk}")
    return Status(201, _one(request, task.pk, response))


@router.get("/tasks/{task_id}", response={200: TaskOut, 304: None, **ERRORS}, summary="Get a task")
def get_task(
    request: HttpRequest, task_id: int, response: HttpResponse
) -> dict[str, object] | HttpResponse:
    user = current_user(request)
    task = task_detail(user=user, pk=task_id)
    if (not_modified := conditional_get(request, response, task)) is not None:
        return not_modified
    return serialize([task], user)[0]


@router.patch("/tasks/{task_id}", response={200: TaskOut, **WRITE_ERRORS}, summary="Change a task")
def update_task(
    request: HttpRequest, task_id: int, payload: TaskChange, response: HttpResponse
) -> dict[str, object]:
    """Changes the fields sent; `assignee` reassigns. The assignee, their manager or an admin."""
    user = current_user(request)
    task = task_detail(user=user, pk=task_id)
    version = expected_version(request, task)
    task_services.task_update(
        actor=user, task=task, data=payload.to_service_data(), expected_version=version
    )
    return _one(request, task_id, response)


@router.delete("/tasks/{task_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a task")
def delete_task(request: HttpRequest, task_id: int) -> Status[None]:
    user = current_user(request)
    task = task_detail(user=user, pk=task_id)
    task_services.task_delete(
        actor=user, task=task, expected_version=expected_version(request, task)
    )
    return Status(204, None)


@router.post(
    "/tasks/{task_id}/complete", response={200: TaskOut, **WRITE_ERRORS}, summary="Complete a task"
)
def complete_task(request: HttpRequest, task_id: int, response: HttpResponse) -> dict[str, object]:
    """Marks it done (again: no change). A repeating task gets its next occurrence."""
    user = current_user(request)
    task = task_detail(user=user, pk=task_id)
    task_services.task_complete(
        actor=user, task=task, expected_version=expected_version(request, task)
    )
    return _one(request, task_id, response)


@router.post(
    "/tasks/{task_id}/snooze", response={200: TaskOut, **WRITE_ERRORS}, summary="Snooze a task"
)
def snooze_task(
    request: HttpRequest, task_id: int, payload: SnoozeIn, response: HttpResponse
) -> dict[str, object]:
    """A new reminder fires at `until`."""
    user = current_user(request)
    task = task_detail(user=user, pk=task_id)
    version = expected_version(request, task)
    task_services.task_snooze(actor=user, task=task, until=payload.until, expected_version=version)
    return _one(request, task_id, response)
