"""Base models and the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True


class AliveQuerySet(models.QuerySet):
    def alive(self) -> AliveQuerySet:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> AliveQuerySet:
        return self.filter(deleted_at__isnull=False)


class OwnedRecord(TimeStampedModel):
    """A CRM record with an owner, a team, soft delete and an optimistic-lock version.

    ``version`` grows by one on every write; the API's ETag is built from it so two
    users cannot silently overwrite each other.

    Subclasses index (owner, -updated_at), (team, -updated_at) and (-updated_at, -id),
    which serve every lookup the single-column indexes would: those are left out, as
    each costs every insert (an import writes a million rows).
    """

    updated_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip
    custom_fields = models.JSONField(default=dict, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = AliveQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    RESTORE = "restore", "Restored"
    MERGE = "merge", "Merged"
    ERASE = "erase", "Erased"


class AuditEvent(models.Model):
    """One change to one record. Append-only: the database refuses updates and deletes."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    entity_type = models.CharField(max_length=32)
    entity_id = models.BigIntegerField()
    changes: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["entity_type", "entity_id", "-created_at"], name="audit_entity_idx"
            )
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.entity_type} {self.entity_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")


class RateCounter(models.Model):
    """A shared rate-limit counter (see rapport.core.ratelimit), on PostgreSQL.

    Written only by the single upsert there; on SQLite the same table lives in a
    file of its own, and with Redis configured in Redis.
    """

    bucket = models.CharField(max_length=200, primary_key=True)
    count = models.IntegerField()
    expires_at = models.FloatField()  # seconds since the epoch: the window's end

    class Meta:
        db_table = "core_ratecounter"

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"


class OutboxEvent(models.Model):
    """One domain event (see rapport.core.events), written in the transaction of the change.

    It exists if and only if that transaction committed. It carries ids and field names,
    never personal data: subscribers read the records' current state themselves.
    ``dispatched_at`` is set once every after-commit consumer subscribed to its name has
    handled it (each consumer's own progress is its ``EventCursor``).
    """

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=64)
    entity_type = models.CharField(max_length=32)
    entity_ids: models.JSONField[list[int]] = models.JSONField(default=list)
    actor_id = models.BigIntegerField(null=True, blank=True)
    fields: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    #: The change's values, ``{field: [old, new]}``, for in-transaction subscribers only
    #: (say, what a text mentioned before the edit). Held in memory, never stored: an
    #: event loaded from the outbox has none.
    changes: Mapping[str, Any] = MappingProxyType({})

    class Meta:
        indexes = [
            models.Index(fields=["name", "id"], name="outbox_name_idx"),
            models.Index(fields=["entity_type", "id"], name="outbox_entity_type_idx"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name} {self.entity_type} {self.entity_ids[:5]}"


class EventCursor(models.Model):
    """How far one after-commit consumer got: the id of the last event it handled."""

    consumer = models.CharField(max_length=200, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.consumer} @ {self.last_event_id}"
