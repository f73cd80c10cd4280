"""Writes for tasks: create, change, complete (with the next occurrence), snooze, reassign.

Who may see a task: its assignee, its creator, the managers of the assignee's teams
and admins. Who may change it: the assignee, their manager and admins. Reps may
only hand tasks to themselves or to people in their teams.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.accounts.access import assignable_owner_ok, require_writer
from rapport.accounts.access_activities import require_task_change
from rapport.accounts.models import Role, User
from rapport.activities.models import Priority, Recurrence, Task, TaskStatus
from rapport.activities.services import visible_records
from rapport.core.errors import ValidationFailed
from rapport.core.events import emit
from rapport.core.locking import lock_at_version, save_with_version
from rapport.core.params import id_or_none

TASK_FIELDS = ("title", "notes", "due_at", "priority", "recurrence")


def _assignee(actor: User, value: Any) -> User:
    if value is None or value == "":
        return actor
    user = value if isinstance(value, User) else User.objects.filter(pk=_int(value)).first()
    if user is None or not user.is_active:
        raise ValidationFailed({"assignee": ["No active user with this id."]})
    if user.role == Role.VIEWER:
        raise ValidationFailed({"assignee": ["Viewers are read-only and cannot take tasks."]})
    if not assignable_owner_ok(actor, user):
        raise ValidationFailed(
            {"assignee": ["You can assign tasks to yourself or your teams only."]}
        )
    return user


def _int(value: Any) -> int:
    return id_or_none(value) or 0


def _clean(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "title" in data or not partial:
        out["title"] = str(data.get("title") or "").strip()[:300]
        if not out["title"]:
            errors["title"] = ["Give the task a title."]
    if "notes" in data:
        out["notes"] = str(data["notes"] or "").strip()
    if "due_at" in data:
        due = data["due_at"]
        if due is not None and not isinstance(due, datetime):
            errors["due_at"] = ["Give a date and time."]
        elif due is not None and timezone.is_naive(due):
            due = timezone.make_aware(due)
        out["due_at"] = due
    for field, choices in (("priority", Priority), ("recurrence", Recurrence)):
        if field in data and data[field] is not None:
            if data[field] not in choices.values:
                errors[field] = [f"Choose one of: {', '.join(choices.values)}."]
            out[field] = data[field]
    if (
        out.get("recurrence", Recurrence.NONE) != Recurrence.NONE
        and "due_at" in out
        and not out["due_at"]
    ):
        errors["recurrence"] = ["A repeating task needs a due date."]
    if errors:
        raise ValidationFailed(errors)
    return out


@transaction.atomic
def task_create(*, actor: User, data: Mapping[str, Any]) -> Task:
    """``data``: title, notes, due_at, assignee (id or user), priority, recurrence,
    people (ids), organizations (ids)."""
    require_writer(actor)
    clean = _clean(data, partial=False)
    assignee = _assignee(actor, data.get("assignee"))
    person_ids = list(data.get("people") or [])
    org_ids = list(data.get("organizations") or [])
    people, orgs = (
        visible_records(actor, person_ids, org_ids) if person_ids or org_ids else ([], [])
    )
    task = Task.objects.create(assignee=assignee, created_by=actor, **clean)
    task.remind_at = task.due_at
    task.save(update_fields=["remind_at"])
    task.people.set(people)
    task.organizations.set(orgs)
    # The assignee is notified by activities' subscriber.
    emit("task.created", entity_type="task", entity_ids=[task.pk], actor=actor,
         fields=[*clean, "assignee"])  # fmt: skip
    return task


def _locked(actor: User, task: Task, expected_version: int | None) -> Task:
    return lock_at_version(
        Task.objects.select_related("assignee"), task.pk, expected_version,
        stale="This task changed since you loaded it.",
        check=lambda locked: require_task_change(actor, locked),
    )  # fmt: skip


def _save(task: Task, fields: Iterable[str]) -> Task:
    save_with_version(task, fields)
    return task


@transaction.atomic
def task_update(
    *, actor: User, task: Task, data: Mapping[str, Any], expected_version: int | None = None
) -> Task:
    locked = _locked(actor, task, expected_version)
    clean = _clean(data, partial=True)
    if clean.get("recurrence", locked.recurrence) != Recurrence.NONE and not clean.get(
        "due_at", locked.due_at
    ):
        raise ValidationFailed({"recurrence": ["A repeating task needs a due date."]})
    fields = list(clean)
    for field, value in clean.items():
        setattr(locked, field, value)
    if "due_at" in clean:
        locked.snoozed_until = None
        locked.remind_at = clean["due_at"] if locked.is_open else None
        fields += ["snoozed_until", "remind_at"]
    reassigned = "assignee" in data and data["assignee"] not in (None, "")
    if reassigned:
        locked.assignee = _assignee(actor, data["assignee"])
        fields.append("assignee")
    if "people" in data or "organizations" in data:
        people, orgs = visible_records(actor, list(data.get("people") or []), list(data.get("organizations") or [])) \
            if (data.get("people") or data.get("organizations")) else ([], [])  # fmt: skip
        if "people" in data:
            locked.people.set(people)
        if "organizations" in data:
            locked.organizations.set(orgs)
    saved = _save(locked, fields)
    # "assignee" among the fields (set again, even to the same user): activities'
    # subscriber notifies the assignee.
    changed = [*clean, *(["assignee"] if reassigned else []),
               *(name for name in ("people", "organizations") if name in data)]  # fmt: skip
    emit("task.updated", entity_type="task", entity_ids=[saved.pk], actor=actor, fields=changed)
    return saved


def next_occurrence(when: datetime, recurrence: str) -> datetime:
    if recurrence == Recurrence.DAILY:
        return when + timedelta(days=1)
    if recurrence == Recurrence.WEEKLY:
        return when + timedelta(weeks=1)
    months = 1 if recurrence == Recurrence.MONTHLY else 12
    year, month = divmod(when.month - 1 + months, 12)
    year += when.year
    day = min(when.day, calendar.monthrange(year, month + 1)[1])  # 31 Jan → 28/29 Feb
    return when.replace(year=year, month=month + 1, day=day)


@transaction.atomic
def task_complete(*, actor: User, task: Task, expected_version: int | None = None) -> Task:
    """Mark done; a repeating task gets its next occurrence. Completing twice is a no-op."""
    locked = _locked(actor, task, expected_version)
    if not locked.is_open:
        return locked
    locked.status = TaskStatus.DONE
    locked.completed_at = timezone.now()
    locked.remind_at = None
    locked.snoozed_until = None
    saved = _save(locked, ["status", "completed_at", "remind_at", "snoozed_until"])
    if saved.recurrence != Recurrence.NONE and saved.due_at is not None:
        due = next_occurrence(saved.due_at, saved.recurrence)
        now = timezone.now()
        while due <= now:  # a long-overdue daily task comes back once, in the future
            due = next_occurrence(due, saved.recurrence)
        follow = Task.objects.create(
            title=saved.title, notes=saved.notes, due_at=due, remind_at=due, assignee=saved.assignee,
            created_by=saved.created_by, priority=saved.priority, recurrence=saved.recurrence,
        )  # fmt: skip
        follow.people.set(saved.people.all())
        follow.organizations.set(saved.organizations.all())
    return saved


@transaction.atomic
def task_reopen(*, actor: User, task: Task) -> Task:
    locked = _locked(actor, task, None)
    if locked.is_open:
        return locked
    locked.status = TaskStatus.OPEN
    locked.completed_at = None
    return _save(locked, ["status", "completed_at"])


@transaction.atomic
def task_snooze(
    *, actor: User, task: Task, until: datetime, expected_version: int | None = None
) -> Task:
    """Hide the reminder until ``until``; a new reminder fires then."""
    locked = _locked(actor, task, expected_version)
    if not locked.is_open:
        raise ValidationFailed({"status": ["A finished task cannot be snoozed."]})
    if timezone.is_naive(until):
        until = timezone.make_aware(until)
    if until <= timezone.now():
        raise ValidationFailed({"until": ["Snooze until a time in the future."]})
    locked.snoozed_until = until
    locked.remind_at = until
    return _save(locked, ["snoozed_until", "remind_at"])


@transaction.atomic
def task_delete(*, actor: User, task: Task, expected_version: int | None = None) -> None:
    _locked(actor, task, expected_version).delete()
