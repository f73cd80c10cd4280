"""Duplicate finding and merging: blocking keys, scans, review decisions, merges.

Records are referred to by ``(entity, record_id)`` plain integers rather than
foreign keys, for two reasons: one table serves people and organisations, and a
merge (which moves every foreign key pointing at the duplicate) must not move
these rows, which describe the two records themselves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.entities import entity_choices


class MatchKey(models.Model):
    """One blocking key of one record: records sharing a key are compared.

    ``key`` is a stable 64-bit hash of "entity|key name|normalised value", so a
    lookup is an integer index probe whatever the key's text.
    """

    entity = models.CharField(max_length=16, choices=entity_choices)
    key = models.BigIntegerField()
    record_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["key", "record_id"], name="matchkey_lookup_idx"),
            models.Index(fields=["entity", "record_id"], name="matchkey_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.record_id} key {self.key}"


class MatchProfile(models.Model):
    """The matcher's view of one live record (names, e-mails, phones, address…),
    so scoring a handful of candidates is one primary-key query, not five joins."""

    entity = models.CharField(max_length=16, choices=entity_choices)
    record_id = models.BigIntegerField()
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "record_id"], name="matchprofile_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.record_id}"


class ModelState(models.Model):
    """The workspace's fitted match model (``MatchModel.to_dict()``) for one entity."""

    entity = models.CharField(max_length=16, choices=entity_choices, unique=True)
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    labels = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    fitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.entity} model fitted {self.fitted_at:%Y-%m-%d %H:%M}"


class ScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ScanRun(models.Model):
    entity = models.CharField(max_length=16, choices=entity_choices)
    status = models.CharField(max_length=16, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    candidates = models.PositiveBigIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entity} scan {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in {ScanStatus.QUEUED, ScanStatus.RUNNING}


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    MERGED = "merged", "Merged"
    DISMISSED = "dismissed", "Not a duplicate"


class DuplicateCluster(models.Model):
    """Records a scan believes are one person or organisation, for review."""

    entity = models.CharField(max_length=16, choices=entity_choices)
    scan = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="found_clusters")
    certainty = models.FloatField()
    size = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-certainty", "id"]
        indexes = [
            models.Index(fields=["entity", "status", "-certainty"], name="cluster_queue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.size} {self.entity} records, {self.certainty:.0%}"


class DuplicatePair(models.Model):
    """One scored pair inside a cluster (``record_a`` < ``record_b``)."""

    cluster = models.ForeignKey(DuplicateCluster, on_delete=models.CASCADE, related_name="pairs")
    entity = models.CharField(max_length=16, choices=entity_choices)
    record_a = models.BigIntegerField()
    record_b = models.BigIntegerField()
    score = models.FloatField()
    reasons: models.JSONField[list[str]] = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )

    class Meta:
        ordering = ["-score", "id"]
        indexes = [
            models.Index(fields=["entity", "record_a"], name="pair_a_idx"),
            models.Index(fields=["entity", "record_b"], name="pair_b_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.record_a} ~ {self.record_b} ({self.score:.0%})"


class Decision(models.TextChoices):
    DUPLICATE = "duplicate", "Duplicate (merged)"
    NOT_DUPLICATE = "not_duplicate", "Not a duplicate"


class DuplicateDecision(models.Model):
    """A reviewer's answer about a pair; a label for the model, and never proposed again."""

    entity = models.CharField(max_length=16, choices=entity_choices)
    record_a = models.BigIntegerField()
    record_b = models.BigIntegerField()
    decision = models.CharField(max_length=16, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "record_a", "record_b"], name="decision_pair_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(record_a__lt=models.F("record_b")), name="decision_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.record_a} / {self.record_b}: {self.decision}"


class MergeRecord(models.Model):
    """A merge, with what is needed to undo it exactly.

    ``snapshot``: the survivor's fields before, the duplicate's fields, every moved
    row's previous foreign key (model, field, primary keys) and every row removed
    because the survivor already had its equivalent (serialised, to be re-created).
    """

    entity = models.CharField(max_length=16, choices=entity_choices)
    survivor_id = models.BigIntegerField()
    merged_id = models.BigIntegerField()
    merged_label = models.CharField(max_length=300, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    snapshot: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "survivor_id"], name="merge_survivor_idx"),
            models.Index(fields=["entity", "merged_id"], name="merge_merged_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.merged_id} merged into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
