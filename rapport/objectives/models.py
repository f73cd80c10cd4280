"""An objective moves one indicator, over one scope, from its baseline to a target by a deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ObjectiveStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"


class Objective(models.Model):
    title = models.CharField(max_length=200)
    indicator = models.CharField(max_length=80)  # a key of rapport.core.indicators
    # The scope the indicator is measured over, as the snapshots store it (0: the workspace).
    scope_kind = models.CharField(max_length=10)
    scope_id = models.PositiveBigIntegerField(default=0)
    baseline = models.FloatField()  # the indicator's value when the objective was set
    target = models.FloatField()
    start = models.DateField()
    deadline = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The status the last evaluation found: a change to off track notifies the owner once.
    status = models.CharField(
        max_length=10, choices=ObjectiveStatus.choices, default=ObjectiveStatus.ON_TRACK
    )
    evaluated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(
                fields=["indicator", "scope_kind", "scope_id"], name="objective_series_idx"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (ObjectiveStatus.ACHIEVED, ObjectiveStatus.MISSED)
