"""My tasks, the team's tasks, and the actions on one task."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.access import can_write
from rapport.accounts.models import Role
from rapport.activities import task_services
from rapport.activities.forms import SnoozeForm, TaskForm
from rapport.activities.models import Task
from rapport.activities.selectors import (
    TaskGroups,
    assignable_users,
    group_tasks,
    my_open_tasks,
    recently_done_tasks,
    task_detail,
    team_open_tasks,
)
from rapport.core.errors import PermissionDenied, ValidationFailed
from rapport.core.forms import add_service_errors
from rapport.core.web import current_user, error_messages, safe_next, translate_errors

SNOOZE_CHOICES = [("1h", "1 hour"), ("3h", "3 hours"), ("1d", "Tomorrow"), ("7d", "Next week")]
_SNOOZE = {"1h": timedelta(hours=1), "3h": timedelta(hours=3), "1d": timedelta(days=1), "7d": timedelta(days=7)}  # fmt: skip


def sections(groups: TaskGroups) -> list[tuple[str, list[Task], str]]:
    return [
        ("Overdue", groups.overdue, "overdue"), ("Today", groups.today, "today"),
        ("Upcoming", groups.upcoming, "upcoming"), ("No due date", groups.someday, "someday"),
        ("Snoozed", groups.snoozed, "snoozed"),
    ]  # fmt: skip


@translate_errors
@require_http_methods(["GET", "POST"])
def task_list(request: HttpRequest) -> HttpResponse:
    """Open tasks by urgency, recently finished ones, and a form to add one."""
    user = current_user(request)
    assignees = list(assignable_users(user)) if can_write(user) else []
    form = TaskForm(request.POST or None, assignees=assignees, actor=user)
    status = 200
    if request.method == "POST":
        if not can_write(user):
            raise PermissionDenied("Your role is read-only.")
        if form.is_valid():
            try:
                task = task_services.task_create(actor=user, data=form.to_service_data())
                messages.success(request, f"Added the task “{task.title}”.")
                return redirect("activities:task_list")
            except ValidationFailed as exc:
                add_service_errors(form, exc.detail)
        status = 422
    groups = group_tasks(my_open_tasks(user))
    context = {
        "groups": groups, "sections": sections(groups), "done": recently_done_tasks(user),
        "assignees": assignees if len(assignees) > 1 else [],
        "form": form, "can_write": can_write(user), "snooze_choices": SNOOZE_CHOICES,
        "is_manager": user.role == Role.MANAGER or user.is_admin,
    }  # fmt: skip
    return render(request, "activities/task_list.html", context, status=status)


@translate_errors
@require_GET
def task_team(request: HttpRequest) -> HttpResponse:
    """A manager's view of their teams' open tasks (admins see everyone's)."""
    user = current_user(request)
    if not (user.is_admin or user.role == Role.MANAGER):
        raise PermissionDenied("The team view is for managers.")
    tasks = team_open_tasks(user)
    by_assignee: dict[str, list[Task]] = {}
    for task in tasks:
        by_assignee.setdefault(task.assignee.display_name, []).append(task)
    context = {
        "by_assignee": [(name, sections(group_tasks(items))) for name, items in by_assignee.items()],
        "assignees": list(assignable_users(user)), "snooze_choices": SNOOZE_CHOICES,
    }  # fmt: skip
    return render(request, "activities/task_team.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(safe_next(request, reverse("activities:task_list")))


def _report(request: HttpRequest, exc: ValidationFailed) -> None:
    for message in error_messages(exc):
        messages.error(request, message)


@translate_errors
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = task_detail(user=user, pk=pk)
    if request.POST.get("reopen"):
        task_services.task_reopen(actor=user, task=task)
        messages.success(request, f"Reopened “{task.title}”.")
    else:
        task_services.task_complete(actor=user, task=task)
        messages.success(request, f"Done: “{task.title}”.")
    return _back(request)


@translate_errors
@require_POST
def task_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = task_detail(user=user, pk=pk)
    preset = _SNOOZE.get(request.POST.get("for", ""))
    form = SnoozeForm(request.POST)
    until = (
        timezone.now() + preset
        if preset
        else (form.cleaned_data["until"] if form.is_valid() else None)
    )
    try:
        if until is None:
            raise ValidationFailed({"until": ["Choose how long to snooze."]})
        task_services.task_snooze(actor=user, task=task, until=until)
        shown = timezone.localtime(until).strftime("%d %b %H:%M")
        messages.success(request, f"Snoozed “{task.title}” until {shown}.")
    except ValidationFailed as exc:
        _report(request, exc)
    return _back(request)


@translate_errors
@require_POST
def task_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = task_detail(user=user, pk=pk)
    try:
        saved = task_services.task_update(
            actor=user, task=task, data={"assignee": request.POST.get("assignee")}
        )
        messages.success(request, f"“{saved.title}” is now {saved.assignee.display_name}'s.")
    except ValidationFailed as exc:
        _report(request, exc)
    return _back(request)


@translate_errors
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = task_detail(user=user, pk=pk)
    if not task_services.can_change_task(user, task):
        raise PermissionDenied("Only the assignee, their manager or an admin can change this task.")
    initial = {
        "title": task.title, "notes": task.notes, "priority": task.priority, "recurrence": task.recurrence,
        "assignee": str(task.assignee_id),
        "due_at": timezone.localtime(task.due_at).strftime("%Y-%m-%dT%H:%M") if task.due_at else None,
    }  # fmt: skip
    form = TaskForm(
        request.POST or None, initial=initial, assignees=list(assignable_users(user)), actor=user
    )
    if request.method == "POST":
        if request.POST.get("delete"):
            task_services.task_delete(actor=user, task=task)
            messages.success(request, f"Deleted “{task.title}”.")
            return redirect("activities:task_list")
        if form.is_valid():
            try:
                task_services.task_update(actor=user, task=task, data=form.to_service_data())
                messages.success(request, "Saved.")
                return _back(request)
            except ValidationFailed as exc:
                add_service_errors(form, exc.detail)
    status = 422 if request.method == "POST" else 200
    return render(request, "activities/task_edit.html", {"form": form, "task": task}, status=status)
