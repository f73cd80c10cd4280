"""The recompute job: read the workspace's orders, let the engine score every customer
(``rapport_analytics.scoring``: holdout check, value models, RFM, tiers), store the result.

People and organisations are scored together, as one population: the models'
heterogeneity (each customer's own purchase and dropout rates) absorbs the
difference between a household and a company, and one fit on all orders is
steadier than two fits on halves. Orders are read as plain tuples into numpy arrays
(no model instances). Only orders in one currency count (the setting, or the most
common one); amounts are not converted between currencies.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import tracemalloc
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from rapport.accounts.models import User
from rapport.insights.lifecycle import lifecycle_after_recompute
from rapport.insights.models import (
    CustomerScore,
    InsightsSettings,
    ModelRun,
    PurchaseModelChoice,
    RunStatus,
)
from rapport.sales.models import PURCHASE_STATUSES, Order
from rapport_analytics.clv import TransactionLog
from rapport_analytics.clv.models import params_to_dict
from rapport_analytics.scoring import (
    CustomerScores,
    NotEnoughData,
    check_on_holdout,
    fit_value_models,
    score_customers,
)

log = logging.getLogger(__name__)

KEEP_SCORED_RUNS = 24  # older runs keep their diagnostics; their per-customer rows go
BATCH = 5000


@dataclass
class Orders:
    """Purchases as arrays; customer keys are person ids, and −organisation ids."""

    keys: npt.NDArray[np.int64]
    days: npt.NDArray[np.int64]
    amounts: npt.NDArray[np.float64]


def _currency(settings: InsightsSettings) -> str:
    if settings.currency:
        return settings.currency
    top = (
        Order.objects.filter(status__in=PURCHASE_STATUSES)
        .values("currency")
        .annotate(n=Count("id"))
        .order_by("-n", "currency")
        .first()
    )
    return str(top["currency"]) if top else "EUR"


def load_orders(currency: str) -> Orders:
    """Live customers' purchases in ``currency``, streamed as tuples into arrays."""
    live = Q(person__isnull=False, person__deleted_at__isnull=True) | Q(
        organization__isnull=False, organization__deleted_at__isnull=True
    )
    rows = (
        Order.objects.filter(live, status__in=PURCHASE_STATUSES, currency=currency)
        .order_by()
        .values_list("person_id", "organization_id", "ordered_at", "amount")
        .iterator(chunk_size=BATCH)
    )
    keys: list[int] = []
    days: list[int] = []
    amounts: list[float] = []
    epoch = dt.date(1970, 1, 1).toordinal()
    for person_id, organization_id, ordered_at, amount in rows:
        keys.append(person_id if person_id is not None else -organization_id)
        days.append(ordered_at.toordinal() - epoch)
        amounts.append(float(amount))
    return Orders(
        np.asarray(keys, dtype=np.int64),
        np.asarray(days, dtype=np.int64),
        np.asarray(amounts, dtype=np.float64),
    )


def _progress(run: ModelRun, percent: int, message: str) -> None:
    run.progress, run.message = percent, message
    run.save(update_fields=["progress", "message"])


def _finite(value: Any) -> Any:
    """JSON-safe: NaN and infinities (a degenerate correlation, say) become null."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    return value


def _day(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def _clean(values: dict[str, float]) -> dict[str, float | None]:
    return {k: (None if not np.isfinite(v) else float(v)) for k, v in values.items()}


def _score_rows(run: ModelRun, scores: CustomerScores) -> list[tuple[Any, ...]]:
    """Rows for ``SCORE_COLUMNS``; customer keys are person ids, and −organisation ids."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    columns = zip(
        scores.customer_ids.tolist(), scores.tier.tolist(), scores.r_score.tolist(),
        scores.f_score.tolist(), scores.m_score.tolist(), scores.p_alive.tolist(),
        scores.expected_purchases.tolist(), scores.predicted_value.tolist(),
        scores.historical_value.tolist(), scores.high_value.tolist(), scores.orders.tolist(),
        scores.first_day.tolist(), scores.last_day.tolist(), strict=True,
    )  # fmt: skip
    return [
        (run.pk, key if key > 0 else None, -key if key < 0 else None, True, now, tier, r, f, m,
         a, e, v, h, hv, n, ops.adapt_datefield_value(_day(d0)),
         ops.adapt_datefield_value(_day(d1)))
        for key, tier, r, f, m, a, e, v, h, hv, n, d0, d1 in columns
    ]  # fmt: skip


SCORE_COLUMNS = (
    "run_id", "person_id", "organization_id", "is_latest", "scored_at", "tier", "r_score",
    "f_score", "m_score", "p_alive", "expected_purchases", "predicted_value",
    "historical_value", "high_value", "orders", "first_order_on", "last_order_on",
)  # fmt: skip


def _store(run: ModelRun, rows: list[tuple[Any, ...]]) -> None:
    """Swap the latest scores in one transaction: plain executemany, as model instances
    would cost ten times as much at 100,000 customers."""
    table = connection.ops.quote_name(CustomerScore._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in SCORE_COLUMNS)
    marks = ", ".join(["%s"] * len(SCORE_COLUMNS))
    with transaction.atomic(), connection.cursor() as cursor:
        CustomerScore.objects.filter(is_latest=True).update(is_latest=False)
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                # Names and placeholders are constants of this module, not input.
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                rows[start : start + BATCH],
            )
    old_runs = ModelRun.objects.filter(status=RunStatus.DONE).values_list("pk", flat=True)[
        KEEP_SCORED_RUNS - 1 :
    ]
    stale = list(old_runs)
    if stale:
        CustomerScore.objects.filter(run_id__in=stale).delete()


def insights_recompute(*, triggered_by: User | None, run: ModelRun | None = None) -> ModelRun:
    """Fit, score and store; the run records how it went (a failure is recorded, not raised)."""
    settings = InsightsSettings.current()
    if run is None:
        run = ModelRun.objects.create(triggered_by=triggered_by)
    started = time.perf_counter()
    run.status, run.started_at = RunStatus.RUNNING, timezone.now()
    run.model_setting = settings.purchase_model
    run.save(update_fields=["status", "started_at", "model_setting"])
    try:
        _run(run, settings)
    except NotEnoughData as exc:
        run.status, run.message = RunStatus.FAILED, str(exc)
    except Exception as exc:  # recorded for the page; the worker must not retry forever
        log.exception("insights recompute %s failed", run.pk)
        run.status, run.message = RunStatus.FAILED, f"The recompute failed: {exc}"[:300]
    lifecycle_after_recompute(run)
    run.finished_at = timezone.now()
    run.duration_seconds = round(time.perf_counter() - started, 3)
    run.save()
    return run


def _run(run: ModelRun, settings: InsightsSettings) -> None:
    _progress(run, 5, "Reading orders")
    run.currency = _currency(settings)
    orders = load_orders(run.currency)
    run.n_orders = len(orders.keys)
    if run.n_orders == 0:
        raise NotEnoughData(f"There are no completed orders in {run.currency} to learn from.")
    end_day = (timezone.localdate() - dt.date(1970, 1, 1)).days
    end_day = max(end_day, int(orders.days.max()))
    log_ = TransactionLog(customer_ids=orders.keys, days=orders.days, amounts=orders.amounts)
    _progress(run, 20, "Checking both models on a holdout period")
    choose = (
        None if settings.purchase_model == PurchaseModelChoice.AUTO else settings.purchase_model
    )
    check = check_on_holdout(log_, end_day=end_day, choose=choose)  # type: ignore[arg-type]
    run.diagnostics = _finite(check.diagnostics)
    run.calibration_end = _day(check.calibration_end_day)
    run.holdout_end = _day(end_day)
    run.model, run.choice_reason = check.model, check.reason
    run.horizon = float(settings.horizon_weeks)
    _progress(run, 50, f"Fitting {check.model} on all orders")
    models = fit_value_models(log_, end_day=end_day, model=check.model)
    run.params = _clean(params_to_dict(models.purchases.params))
    run.standard_errors = _clean(params_to_dict(models.purchases.standard_errors))
    run.spend_params = _clean(asdict(models.spend.params))
    run.log_likelihood = models.purchases.log_likelihood
    run.fitted_at = timezone.now()
    _progress(run, 70, "Scoring customers")
    scores = score_customers(
        log_, models, end_day=end_day, horizon_weeks=float(settings.horizon_weeks),
        margin=settings.margin, annual_discount_rate=settings.annual_discount_rate,
    )  # fmt: skip
    rows = _score_rows(run, scores)
    run.n_customers = len(rows)
    _progress(run, 85, "Saving scores")
    _store(run, rows)
    run.status, run.progress, run.message = RunStatus.DONE, 100, ""


def measure_recompute() -> tuple[ModelRun, float, float]:
    """For the benchmark: the run, seconds and peak traced memory (MB) of one recompute."""
    tracemalloc.start()
    started = time.perf_counter()
    run = insights_recompute(triggered_by=None)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return run, seconds, peak / 1e6
