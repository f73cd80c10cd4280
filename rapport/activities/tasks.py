"""Background jobs (huey autodiscovers ``tasks`` modules). Each takes ids and calls one
service that is safe to run twice; failures are retried with a delay."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from rapport.activities import reminders
from rapport.core.schedule import scheduled


@scheduled
def fire_due_reminders() -> int:
    """Every minute: reminders for tasks that came due (or whose snooze ended)."""
    return reminders.fire_due_reminders()


@db_task(retries=5, retry_delay=30, retry_backoff=2)  # 30 s, 1, 2, 4, 8 min
def email_notification(notification_id: int) -> bool:
    return reminders.email_notification(notification_id)
