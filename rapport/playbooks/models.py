from __future__ import annotations

from django.db import models
from django.utils import timezone

from rapport.playbooks.models_catalog import DEFAULT_MODEL, MODELS

# Fields a person's profile needs to count as complete (the admin picks among these).
PROFILE_FIELDS = {
    "email": "E-mail",
    "phone": "Phone",
    "organization": "Organisation",
    "first_name": "First name",
    "last_name": "Last name",
    "title": "Job title",
    "city": "City",
    "country": "Country",
    "source": "Source",
    "birthday": "Birthday",
}
DEFAULT_PROFILE_FIELDS = ["email", "phone", "organization"]


def _default_profile_fields() -> list[str]:
    return list(DEFAULT_PROFILE_FIELDS)


class PlaybookSettings(models.Model):
    """The workspace's choices for its playbook (one row)."""

    primary_model = models.CharField(
        max_length=20, choices=[(k, m.name) for k, m in MODELS.items()], default=DEFAULT_MODEL
    )
    profile_fields: models.JSONField[list[str]] = models.JSONField(
        default=_default_profile_fields, help_text="Fields a complete person profile has"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Playbook settings ({self.primary_model})"

    @classmethod
    def current(cls) -> PlaybookSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ScopeKind(models.TextChoices):
    WORKSPACE = "workspace", "Workspace"
    TEAM = "team", "Team"
    OWNER = "owner", "Owner"


class IndicatorSnapshot(models.Model):
    """One indicator's value over one scope on one day (the nightly job writes them).

    ``scope_id`` is 0 for the workspace (a team's or an owner's id otherwise), so the
    unique constraint holds on every database without NULL tricks. Kept three years.
    """

    indicator = models.CharField(max_length=80)
    scope_kind = models.CharField(max_length=10, choices=ScopeKind.choices)
    scope_id = models.PositiveBigIntegerField(default=0)
    day = models.DateField()
    value = models.FloatField(null=True)
    breakdown: models.JSONField[dict[str, float]] = models.JSONField(default=dict, blank=True)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "scope_kind", "scope_id", "day"],
                name="snapshot_one_per_day",
            )
        ]
        indexes = [models.Index(fields=["day"], name="snapshot_day_idx")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.scope_kind}:{self.scope_id} on {self.day}: {self.value}"
