"""Scoring a customer base: check the purchase models on a holdout, fit on everything,
and give every customer predicted value, RFM scores, a tier and a high-value flag.

Days are integer day numbers (days since 1970-01-01 in the app); time in the models is
counted in weeks. The app's recompute (``rapport/insights/recompute.py``) reads orders
into a ``TransactionLog``, calls these three steps and stores what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from rapport_analytics.clv import (
    CompressedCustomers,
    CustomerSummary,
    FitResult,
    GammaGammaParams,
    PurchaseModelName,
    PurchaseParams,
    TimeUnit,
    TransactionLog,
    compare_models,
    compress_customers,
    expected_purchases,
    fit_purchase_model,
    gamma_gamma,
    per_period_discount_rate,
    predict_customers,
    split_calibration_holdout,
    summarize_transactions,
)
from rapport_analytics.segmentation import assign_tiers, rfm_scores

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_CUSTOMERS = 20
MIN_REPEATERS = 5
HIGH_VALUE_SHARE = 0.2
BUCKETS = ("0", "1", "2", "3", "4", "5", "6", "7+")
UNIT = TimeUnit.WEEK


class NotEnoughData(Exception):
    """Too few customers or repeat purchases to fit the models."""


@dataclass(frozen=True)
class HoldoutCheck:
    """Both models fitted before a holdout period and scored on it; which one won and why."""

    model: PurchaseModelName
    reason: str
    calibration_end_day: int
    diagnostics: dict[str, Any]  # errors, holdout weeks, buckets, per-model comparison


@dataclass(frozen=True)
class ValueModels:
    """The purchase and spend models fitted on every purchase up to ``end_day``."""

    summary: CustomerSummary
    compressed: CompressedCustomers
    purchases: FitResult[PurchaseParams]
    spend: FitResult[GammaGammaParams]


@dataclass(frozen=True)
class CustomerScores:
    """One entry per customer, in ``customer_ids`` order (sorted ids)."""

    customer_ids: npt.NDArray[np.generic]
    tier: npt.NDArray[np.str_]
    r_score: IntArray
    f_score: IntArray
    m_score: IntArray
    p_alive: FloatArray
    expected_purchases: FloatArray
    predicted_value: FloatArray  # rounded to cents
    historical_value: FloatArray  # rounded to cents
    high_value: npt.NDArray[np.bool_]
    orders: IntArray  # purchase days, as the models count them
    first_day: IntArray
    last_day: IntArray

    def __len__(self) -> int:
        return len(self.customer_ids)


def _buckets(frequency: FloatArray, predicted: Any, actual: Any) -> list[dict[str, Any]]:
    """Mean predicted vs actual holdout purchases by calibration repeat count (0…7+)."""
    index = np.minimum(frequency, 7).astype(np.int64)
    result = []
    for number, label in enumerate(BUCKETS):
        members = index == number
        count = int(members.sum())
        if count:
            result.append({
                "label": label, "customers": count,
                "predicted": float(predicted[members].mean()), "actual": float(actual[members].mean()),
            })  # fmt: skip
    return result


def check_on_holdout(
    log: TransactionLog, *, end_day: int, choose: PurchaseModelName | None
) -> HoldoutCheck:
    """Fit both models on a calibration period, score them on the holdout that follows;
    ``choose`` forces a model, ``None`` takes the one with the lower holdout error."""
    span = end_day - int(log.days.min())
    holdout_days = int(np.clip(span // 4, 28, 364))
    calibration_end = end_day - holdout_days
    split = split_calibration_holdout(
        log, calibration_end=calibration_end, holdout_end=end_day, unit=UNIT
    )
    cal = split.calibration
    if len(cal) < MIN_CUSTOMERS or int((cal.frequency > 0).sum()) < MIN_REPEATERS:
        raise NotEnoughData(
            f"Too few customers before the holdout ({len(cal)}); need at least {MIN_CUSTOMERS} "
            f"with {MIN_REPEATERS} repeat buyers."
        )
    comparison = compare_models(split, choose=choose)
    fit = comparison.fits[comparison.chosen]
    data = compress_customers(frequency=cal.frequency, recency=cal.recency, age=cal.age)
    predicted = expected_purchases(fit.params, data, t=split.holdout_length)
    score = next(s for s in comparison.scores if s.model == comparison.chosen)
    diagnostics = {
        "mae": score.mean_absolute_error,
        "rmse": score.root_mean_squared_error,
        "correlation": score.correlation,
        "aggregate_error": score.aggregate_error,
        "holdout_weeks": split.holdout_length,
        "calibration_customers": len(cal),
        "buckets": _buckets(cal.frequency, predicted, split.holdout_purchases),
        "comparison": [
            {"model": s.model, "mae": s.mean_absolute_error, "rmse": s.root_mean_squared_error,
             "correlation": s.correlation, "log_likelihood": s.calibration_log_likelihood}
            for s in comparison.scores
        ],
    }  # fmt: skip
    return HoldoutCheck(comparison.chosen, comparison.reason, calibration_end, diagnostics)


def fit_value_models(log: TransactionLog, *, end_day: int, model: PurchaseModelName) -> ValueModels:
    """Fit ``model`` (purchases) and Gamma-Gamma (spend) on every purchase up to ``end_day``."""
    summary = summarize_transactions(log, calibration_end=end_day, unit=UNIT)
    data = compress_customers(frequency=summary.frequency, recency=summary.recency, age=summary.age)
    purchases = fit_purchase_model(model, data)
    spend = gamma_gamma.fit(frequency=summary.frequency, monetary_value=summary.monetary_value)
    return ValueModels(summary, data, purchases, spend)


def score_customers(
    log: TransactionLog,
    models: ValueModels,
    *,
    end_day: int,
    horizon_weeks: float,
    margin: float,
    annual_discount_rate: float,
) -> CustomerScores:
    """Predicted value over the horizon, RFM, A/B/C tiers and the top-20 % flag per customer.

    ``log`` is the one the models were fitted on; it gives each customer's historical spend.
    """
    summary = models.summary
    predictions = predict_customers(
        summary=summary,
        purchase_params=models.purchases.params,
        spend_params=models.spend.params,
        horizon=horizon_weeks,
        margin=margin,
        discount_rate=per_period_discount_rate(annual_rate=annual_discount_rate, unit=UNIT),
        compressed=models.compressed,
    )
    _, inverse = np.unique(log.customer_ids, return_inverse=True)
    historical = np.bincount(inverse.ravel(), weights=log.amounts)
    first_day = end_day - np.rint(summary.age * UNIT.days).astype(np.int64)
    last_day = first_day + np.rint(summary.recency * UNIT.days).astype(np.int64)
    rfm = rfm_scores(
        days_since_last_purchase=end_day - last_day,
        frequency=summary.frequency,
        monetary=historical,
    )
    value = np.nan_to_num(predictions.lifetime_value, nan=0.0, posinf=0.0)
    count = int(np.ceil(HIGH_VALUE_SHARE * len(value) - 1e-9))
    threshold = np.sort(value)[::-1][count - 1] if count else np.inf
    return CustomerScores(
        customer_ids=summary.customer_ids,
        tier=assign_tiers(value).labels,
        r_score=rfm.recency,
        f_score=rfm.frequency,
        m_score=rfm.monetary,
        p_alive=np.nan_to_num(predictions.probability_alive, nan=0.0),
        expected_purchases=np.nan_to_num(predictions.expected_purchases, nan=0.0, posinf=0.0),
        predicted_value=np.round(value, 2),
        historical_value=np.round(historical, 2),
        high_value=(value >= threshold) & (value > 0),
        orders=summary.frequency.astype(np.int64) + 1,
        first_day=first_day,
        last_day=last_day,
    )
