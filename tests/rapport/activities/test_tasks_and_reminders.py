"""Tasks: permissions, recurrence, reminders that fire once, e-mail when wanted."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from rapport.activities.models import Notification, Task
from rapport.activities.notify import preference_update
from rapport.activities.reminders import fire_due_reminders
from rapport.activities.selectors import group_tasks, visible_tasks
from rapport.activities.task_services import (
    next_occurrence,
    task_complete,
    task_create,
    task_snooze,
    task_update,
)
from rapport.activities.tasks import fire_due_reminders as periodic_job
from rapport.core.errors import PermissionDenied, ValidationFailed


def test_tasks_are_visible_to_assignee_creator_their_managers_and_admins(workspace: Any) -> None:
    task = task_create(
        actor=workspace.manager, data={"title": "Prep deck", "assignee": workspace.rep.pk}
    )

    for user in (workspace.rep, workspace.manager, workspace.admin):
        assert visible_tasks(user).filter(pk=task.pk).exists()
    for user in (workspace.rep2, workspace.other_rep, workspace.viewer):
        assert not visible_tasks(user).filter(pk=task.pk).exists()
    with pytest.raises(PermissionDenied):
        task_complete(actor=workspace.rep2, task=task)
    # rick got a notification that mona gave him a task
    assert Notification.objects.get(user=workspace.rep).kind == "assigned"


def test_tasks_cannot_go_to_viewers_or_other_teams(workspace: Any) -> None:
    with pytest.raises(ValidationFailed):
        task_create(actor=workspace.rep, data={"title": "x", "assignee": workspace.viewer.pk})
    with pytest.raises(ValidationFailed):
        task_create(actor=workspace.rep, data={"title": "x", "assignee": workspace.other_rep.pk})
    assert task_create(
        actor=workspace.admin, data={"title": "x", "assignee": workspace.other_rep.pk}
    )


@pytest.mark.parametrize(
    ("recurrence", "start", "expected"),
    [
        ("daily", datetime(2025, 1, 31, 9), datetime(2025, 2, 1, 9)),
        ("weekly", datetime(2025, 1, 31, 9), datetime(2025, 2, 7, 9)),
        ("monthly", datetime(2025, 1, 31, 9), datetime(2025, 2, 28, 9)),
        ("yearly", datetime(2024, 2, 29, 9), datetime(2025, 2, 28, 9)),
    ],
)
def test_next_occurrence(recurrence: str, start: datetime, expected: datetime) -> None:
    assert next_occurrence(start, recurrence) == expected


def test_completing_a_repeating_task_creates_the_next_one_once(
    workspace: Any, make_person: Any
) -> None:
    person = make_person()
    due = timezone.now() + timedelta(hours=2)
    task = task_create(actor=workspace.rep, data={"title": "Stock check", "due_at": due,
                                                  "recurrence": "daily", "people": [person.pk]})  # fmt: skip
    task_complete(actor=workspace.rep, task=task)
    task_complete(actor=workspace.rep, task=task)  # a double click

    follow = Task.objects.get(status="open")
    assert Task.objects.count() == 2
    assert follow.due_at == due + timedelta(days=1) and follow.remind_at == follow.due_at
    assert list(follow.people.all()) == [person]


def test_a_due_task_reminds_once_and_again_after_a_snooze(workspace: Any) -> None:
    now = timezone.now()
    task = task_create(
        actor=workspace.rep, data={"title": "Ring Ana", "due_at": now + timedelta(minutes=5)}
    )

    assert fire_due_reminders(now=now) == 0  # not yet due
    assert fire_due_reminders(now=now + timedelta(minutes=6)) == 1
    assert fire_due_reminders(now=now + timedelta(minutes=7)) == 0  # ran again: nothing new
    task.refresh_from_db()
    task_snooze(actor=workspace.rep, task=task, until=timezone.now() + timedelta(hours=1))
    assert fire_due_reminders(now=now + timedelta(minutes=30)) == 0
    assert fire_due_reminders(now=now + timedelta(hours=2)) == 1

    titles = list(Notification.objects.filter(user=workspace.rep).values_list("title", flat=True))
    assert len(titles) == 2 and all(t.startswith("Reminder: Ring Ana") for t in titles)


def test_a_reminder_written_twice_stays_one_notification(workspace: Any) -> None:
    """If the worker dies after notifying but before clearing remind_at, the rerun adds nothing."""
    due = timezone.now() - timedelta(minutes=1)
    task = task_create(actor=workspace.rep, data={"title": "Crashy", "due_at": due})
    fire_due_reminders()
    Task.objects.filter(pk=task.pk).update(remind_at=due)  # as if the clearing was lost

    assert fire_due_reminders() == 0
    assert Notification.objects.filter(user=workspace.rep).count() == 1


def test_done_tasks_do_not_remind_and_moving_the_due_date_rearms(workspace: Any) -> None:
    now = timezone.now()
    done = task_create(
        actor=workspace.rep, data={"title": "Done", "due_at": now - timedelta(hours=1)}
    )
    task_complete(actor=workspace.rep, task=done)
    moved = task_create(
        actor=workspace.rep, data={"title": "Moved", "due_at": now - timedelta(hours=1)}
    )
    task_update(actor=workspace.rep, task=moved, data={"due_at": now + timedelta(days=1)})

    assert fire_due_reminders(now=now) == 0
    assert fire_due_reminders(now=now + timedelta(days=1, minutes=1)) == 1


def test_reminders_are_emailed_only_to_users_who_want_them(
    workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    preference_update(user=workspace.rep, email_reminders=True)
    due = timezone.now() - timedelta(minutes=1)
    task_create(actor=workspace.rep, data={"title": "Send samples", "due_at": due})
    task_create(actor=workspace.rep2, data={"title": "Rita's own", "due_at": due})

    with django_capture_on_commit_callbacks(execute=True):
        periodic_job.call_local()  # what the every-minute job runs (jobs run inline in tests)

    assert [m.to for m in mail.outbox] == [["rick@example.com"]]
    assert "Send samples" in mail.outbox[0].subject
    assert Notification.objects.get(user=workspace.rep).emailed_at is not None


def test_the_reminder_job_runs_every_minute() -> None:
    start = datetime(2025, 1, 1, 9, 0)
    job = periodic_job.task_class()
    assert all(job.validate_datetime(start + timedelta(minutes=m)) for m in range(3))


def test_tasks_group_into_overdue_today_upcoming(workspace: Any) -> None:
    now = timezone.localtime().replace(hour=12, minute=0)
    tasks = [
        Task(title="late", due_at=now - timedelta(hours=1), assignee=workspace.rep),
        Task(title="today", due_at=now + timedelta(hours=1), assignee=workspace.rep),
        Task(title="later", due_at=now + timedelta(days=2), assignee=workspace.rep),
        Task(title="snoozed", due_at=now - timedelta(days=1), snoozed_until=now + timedelta(hours=1),
             assignee=workspace.rep),
    ]  # fmt: skip
    groups = group_tasks(tasks, now=now)
    assert [t.title for t in groups.overdue] == ["late"]
    assert [t.title for t in groups.today] == ["today"]
    assert [t.title for t in groups.upcoming] == ["later"]
    assert [t.title for t in groups.snoozed] == ["snoozed"]
