"""Customer value: model runs, per-customer scores (with history), strategic flags, segments.

A customer is a person or an organisation (one of two nullable foreign keys, enforced
by a check constraint), the same convention as ``rapport.sales.Order``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.core.entities import entity_choices
from rapport.core.models import TimeStampedModel

ONE_CUSTOMER = Q(person__isnull=False, organization__isnull=True) | Q(
    person__isnull=True, organization__isnull=False
)


class PurchaseModelChoice(models.TextChoices):
    AUTO = "auto", "Automatic (lowest holdout error)"
    BGNBD = "bgnbd", "BG/NBD"
    PNBD = "pnbd", "Pareto/NBD"


class InsightsSettings(models.Model):
    """A single row of workspace-wide settings for the value models."""

    purchase_model = models.CharField(
        max_length=8, choices=PurchaseModelChoice.choices, default=PurchaseModelChoice.AUTO
    )
    horizon_weeks = models.PositiveIntegerField(default=52)
    margin = models.FloatField(default=1.0, help_text="Share of revenue kept as profit, 0–1")
    annual_discount_rate = models.FloatField(default=0.1)
    # Orders in other currencies are left out of the models (they are not converted).
    currency = models.CharField(
        max_length=3, blank=True, help_text="ISO 4217; blank means the most common currency"
    )
    at_risk_p_alive = models.FloatField(default=0.5)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Insights settings ({self.purchase_model})"

    @classmethod
    def current(cls) -> InsightsSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ModelRun(models.Model):
    """One recompute: the fitted models, their holdout diagnostics and how it went."""

    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.CharField(max_length=300, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    model = models.CharField(max_length=8, blank=True)  # bgnbd | pnbd, the one scores use
    model_setting = models.CharField(max_length=8, blank=True)  # what was asked: auto/…
    choice_reason = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=8, default="week")
    horizon = models.FloatField(default=52.0)
    currency = models.CharField(max_length=3, blank=True)
    params: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    standard_errors: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    spend_params: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    log_likelihood = models.FloatField(null=True, blank=True)
    fitted_at = models.DateTimeField(null=True, blank=True)
    calibration_end = models.DateField(null=True, blank=True)
    holdout_end = models.DateField(null=True, blank=True)
    # {"mae", "rmse", "correlation", "buckets": [{"label", "customers", "predicted", "actual"}],
    #  "comparison": [{model, mae, rmse, correlation, log_likelihood}]}
    diagnostics: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    n_customers = models.PositiveIntegerField(default=0)
    n_orders = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.model or self.model_setting}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in {RunStatus.QUEUED, RunStatus.RUNNING}

    @property
    def model_label(self) -> str:
        return str(dict(PurchaseModelChoice.choices).get(self.model, self.model or "—"))


class CustomerScore(models.Model):
    """One customer's scores from one run. ``is_latest`` marks the current row per customer."""

    run = models.ForeignKey(ModelRun, on_delete=models.CASCADE, related_name="scores")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="customer_scores",
    )
    organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="customer_scores",
    )
    is_latest = models.BooleanField(default=True)
    scored_at = models.DateTimeField(default=timezone.now)
    tier = models.CharField(max_length=1)
    r_score = models.PositiveSmallIntegerField()
    f_score = models.PositiveSmallIntegerField()
    m_score = models.PositiveSmallIntegerField()
    p_alive = models.FloatField()
    expected_purchases = models.FloatField()
    predicted_value = models.FloatField()
    historical_value = models.FloatField()
    high_value = models.BooleanField(default=False)
    orders = models.PositiveIntegerField()  # distinct purchase days
    first_order_on = models.DateField()
    last_order_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_CUSTOMER, name="score_one_customer"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_latest=True), name="score_latest_person"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_latest=True),
                name="score_latest_org",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-scored_at"], name="score_person_idx"),
            models.Index(fields=["organization", "-scored_at"], name="score_org_idx"),
            models.Index(fields=["run", "is_latest"], name="score_run_idx"),
        ]

    def __str__(self) -> str:
        return f"Score of {self.customer_key} in run {self.run_id}"

    @property
    def customer_key(self) -> str:
        return (
            f"person:{self.person_id}" if self.person_id else f"organization:{self.organization_id}"
        )


class StrategicKind(models.TextChoices):
    BENCHMARK = "benchmark", "Benchmark (others copy them)"
    INSPIRATION = "inspiration", "Inspiration (they push us to improve)"
    COST_MAGNET = "cost_magnet", "Cost magnet (their volume absorbs fixed costs)"


class StrategicFlag(models.Model):
    """A user's judgement that a customer matters strategically, with a reason."""

    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="strategic_flags",
    )
    organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="strategic_flags",
    )
    kind = models.CharField(max_length=16, choices=StrategicKind.choices)
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=ONE_CUSTOMER, name="flag_one_customer"),
            models.UniqueConstraint(fields=["person", "kind"], name="flag_person_kind"),
            models.UniqueConstraint(fields=["organization", "kind"], name="flag_org_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason}"

    @property
    def short_label(self) -> str:
        return str(self.get_kind_display()).split(" (")[0]


class Segment(TimeStampedModel):
    """A saved dynamic filter: conditions over record fields and value scores, ANDed.

    ``definition`` is a list of ``{"field": ..., "op": ..., "value": ...}``; see
    ``rapport.insights.segments`` for the fields and operators it accepts.
    """

    name = models.CharField(max_length=100)
    entity = models.CharField(max_length=16, choices=entity_choices, default="person")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="segments",
    )
    shared = models.BooleanField(default=False)
    definition: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class LifecycleSource(models.TextChoices):
    COMPUTED = "computed", "Computed"
    MANUAL = "manual", "Set by hand"


class PersonLifecycle(models.Model):
    """What the last lifecycle computation found for a person with orders.

    ``Person.lifecycle_stage`` holds the stage in force; this row keeps the computed one
    beside it, so a manual override lasts until the computed stage next changes.
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="lifecycle"
    )
    computed_stage = models.CharField(max_length=16)
    computed_since = models.DateField()
    since = models.DateField()  # when the stage in force began
    overridden = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Lifecycle of person {self.person_id}: {self.computed_stage}"


class LifecycleTransition(models.Model):
    """One change of a person's lifecycle stage, on the day it happened."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="lifecycle_transitions"
    )
    from_stage = models.CharField(max_length=16)
    to_stage = models.CharField(max_length=16)
    on = models.DateField()
    source = models.CharField(max_length=8, choices=LifecycleSource.choices)
    reason = models.CharField(max_length=500, blank=True)  # required when set by hand
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["person", "-on", "-id"], name="lifecycle_person_idx"),
            models.Index(fields=["to_stage", "on"], name="lifecycle_stage_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage} on {self.on}"
