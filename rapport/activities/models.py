"""Activities on the timeline, tasks, notifications and each user's reminder preferences."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.core.models import TimeStampedModel


class ActivityKind(models.TextChoices):
    NOTE = "note", "Note"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    EMAIL_OUT = "email_out", "E-mail sent"
    EMAIL_IN = "email_in", "E-mail received"
    CAMPAIGN_SEND = "campaign_send", "Campaign sent"
    TASK = "task", "Task"


# What people write and log by hand; the other kinds are records other apps make.
HAND_LOGGED = (ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING)


class Activity(TimeStampedModel):
    """Something that happened with one or more people and organisations."""

    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="Notes: a safe Markdown subset")
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=100, blank=True)
    metadata: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    # Another app's identifier for what this records (an e-mail's Message-ID, a campaign
    # send): unique, so recording the same thing twice changes nothing.
    source_ref = models.CharField(max_length=255, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["actor", "-occurred_at", "-id"], name="activity_actor_idx"),
            models.Index(fields=["kind", "-occurred_at"], name="activity_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class ActivityLink(models.Model):
    """One activity on one record's timeline.

    ``occurred_at`` and ``kind`` are copied from the activity so a timeline page is one
    range scan of the (record, occurred_at, activity) index, however long the history.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "people.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="activitylink_one_record",
            ),
            models.UniqueConstraint(
                fields=["activity", "person"], name="activitylink_person_unique"
            ),
            models.UniqueConstraint(
                fields=["activity", "organization"], name="activitylink_org_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "-occurred_at", "-activity"], name="actlink_person_time_idx"
            ),
            models.Index(
                fields=["organization", "-occurred_at", "-activity"], name="actlink_org_time_idx"
            ),
            models.Index(
                fields=["person", "kind", "-occurred_at", "-activity"],
                name="actlink_person_kind_idx",
            ),
            models.Index(
                fields=["organization", "kind", "-occurred_at", "-activity"],
                name="actlink_org_kind_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"activity {self.activity_id} on {self.person_id or self.organization_id}"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"


class Recurrence(models.TextChoices):
    NONE = "none", "Does not repeat"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class Task(TimeStampedModel):
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assigned_tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_tasks",
    )
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    recurrence = models.CharField(max_length=8, choices=Recurrence.choices, default=Recurrence.NONE)
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    # When the next reminder is due (the due time, or the end of a snooze); cleared once
    # the reminder is written, so the every-minute job only ever looks at a few rows.
    remind_at = models.DateTimeField(null=True, blank=True)
    people = models.ManyToManyField("people.Person", blank=True, related_name="+")
    organizations = models.ManyToManyField("people.Organization", blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="task_assignee_idx"),
            models.Index(
                fields=["remind_at"], name="task_remind_idx", condition=Q(remind_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    MENTION = "mention", "Mention"
    ASSIGNED = "assigned", "Task assigned"
    OBJECTIVE = "objective", "Objective off track"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What the notification is about ("task:12:2025-03-01T09:00:00+00:00"): unique per user,
    # so a job that runs twice cannot notify twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 -- NULLs never collide

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_dedupe"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_idx"),
            models.Index(
                fields=["user"], name="notification_unread_idx", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class UserPreference(models.Model):
    """Per-user choices: reminder e-mails and the private calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_preference"
    )
    email_reminders = models.BooleanField(default=False)
    email_mentions = models.BooleanField(default=False)
    # The feed URL's token is an HMAC of this salt; rotating the salt revokes old URLs.
    # Empty: the feed is off.
    calendar_salt = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
