"""Imports, external ids and erasures.

Import state lives here, not on the people tables: an ``ImportJob`` remembers
how far it got (``rows_done``) in the same transaction as each batch of rows it
wrote, so a job killed at any moment resumes where its last batch ended.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.entities import entity_choices
from rapport.people.models import Organization, Person


class ExternalId(models.Model):
    """The id a record has in another system (a HubSpot record id, a vCard UID…)."""

    entity = models.CharField(max_length=16, choices=entity_choices)
    source = models.CharField(max_length=50)
    value = models.CharField(max_length=200)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="external_ids"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="external_ids"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "source", "value"], name="dataio_externalid_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.value}"


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", "Waiting for a mapping"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    entity = models.CharField(max_length=16, choices=entity_choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_format = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.UPLOADED)
    dry_run = models.BooleanField(default=False)
    key = models.CharField(max_length=16, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=50, default="import")
    region = models.CharField(max_length=2, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    runner = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ImportIssue(models.Model):
    """One rejected (or flagged) row: written in the same transaction as its batch."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=255, blank=True)
    value = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500)
    rejected = models.BooleanField(default=True)

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class Erasure(models.Model):
    """Who erased which person, and when (the person row itself stays, anonymised)."""

    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    person_ref = models.BigIntegerField(help_text="The erased person's id, kept if the row goes")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_by_label = models.CharField(max_length=150)
    erased_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Person {self.person_ref} erased by {self.erased_by_label}"
