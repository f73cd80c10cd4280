"""Turning due tasks into reminders, and reminders into e-mails.

Both are written to be run any number of times: a task's reminder for one due time
(or one snooze end) is keyed ``task:<id>:<time>``, unique per user, and a
notification is e-mailed only while its ``emailed_at`` is empty.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from rapport.activities.models import Notification, Task, TaskStatus
from rapport.activities.notify import notification_create

log = logging.getLogger(__name__)
BATCH = 500


def fire_due_reminders(*, now: datetime | None = None) -> int:
    """Notify the assignees of open tasks whose reminder time has come. Returns how many."""
    now = now or timezone.now()
    fired = 0
    while True:
        due = list(
            Task.objects.filter(remind_at__lte=now, status=TaskStatus.OPEN)
            .select_related("assignee")
            .order_by("remind_at", "id")[:BATCH]
        )
        for task in due:
            fired += _remind(task)
        # Done or deleted-in-between tasks also leave the queue.
        Task.objects.filter(remind_at__lte=now).exclude(status=TaskStatus.OPEN).update(
            remind_at=None
        )
        if len(due) < BATCH:
            return fired


@transaction.atomic
def _remind(task: Task) -> int:
    locked = Task.objects.select_for_update().filter(pk=task.pk, remind_at=task.remind_at).first()
    if locked is None or locked.remind_at is None:  # another worker got here first
        return 0
    when = locked.remind_at
    due = locked.due_at
    snoozed = locked.snoozed_until is not None and locked.snoozed_until == when
    title = f"Reminder: {locked.title}"
    if due is not None:
        shown = date_format(timezone.localtime(due), "j M Y, H:i")
        title += f" (due {shown})"
    created = notification_create(
        user=task.assignee, kind="reminder", title=title, body=locked.notes[:1000],
        url=reverse("activities:task_list") + f"#task-{locked.pk}",
        dedupe_key=f"task:{locked.pk}:{'snooze' if snoozed else 'due'}:{when.isoformat()}",
    )  # fmt: skip
    Task.objects.filter(pk=locked.pk).update(remind_at=None)
    return 1 if created is not None else 0


def email_notification(notification_id: int) -> bool:
    """Send one notification by e-mail. Sends at most once; raises on SMTP errors (retried)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        body = notification.body
        if notification.url:
            base = settings.RAPPORT.get("BASE_URL", "")
            body = f"{body}\n\n{base}{notification.url}".strip()
        send_mail(
            subject=f"[Rapport] {notification.title}",
            message=body or notification.title,
            from_email=None,
            recipient_list=[notification.user.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        log.info("e-mailed notification %s to user %s", notification.pk, notification.user_id)
        return True
