"""Fit the purchase models on a calibration period, score them on the holdout, pick one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rapport_analytics.clv._fitting import FitResult, FloatArray, compress_customers
from rapport_analytics.clv.models import (
    PURCHASE_MODELS,
    PurchaseModelName,
    PurchaseParams,
    expected_purchases,
    fit_purchase_model,
)
from rapport_analytics.clv.summary import CalibrationHoldout


@dataclass(frozen=True)
class HoldoutScore:
    """How one model's conditional expectations compare with actual holdout purchases."""

    model: PurchaseModelName
    mean_absolute_error: float
    root_mean_squared_error: float
    correlation: float
    predicted_total: float
    actual_total: float
    aggregate_error: float  # (predicted − actual) / actual, over all customers
    calibration_log_likelihood: float


@dataclass(frozen=True)
class ModelComparison:
    scores: tuple[HoldoutScore, ...]
    fits: dict[PurchaseModelName, FitResult[PurchaseParams]]
    chosen: PurchaseModelName
    reason: str


def score_predictions(
    *,
    model: PurchaseModelName,
    predicted: FloatArray,
    actual: FloatArray,
    calibration_log_likelihood: float = float("nan"),
) -> HoldoutScore:
    error = predicted - actual
    actual_total = float(actual.sum())
    predicted_total = float(predicted.sum())
    both_vary = np.std(predicted) > 0 and np.std(actual) > 0
    correlation = float(np.corrcoef(predicted, actual)[0, 1]) if both_vary else float("nan")
    return HoldoutScore(
        model=model,
        mean_absolute_error=float(np.mean(np.abs(error))),
        root_mean_squared_error=float(np.sqrt(np.mean(error**2))),
        correlation=correlation,
        predicted_total=predicted_total,
        actual_total=actual_total,
        aggregate_error=(predicted_total - actual_total) / actual_total
        if actual_total
        else float("nan"),
        calibration_log_likelihood=calibration_log_likelihood,
    )


def compare_models(
    split: CalibrationHoldout,
    *,
    models: Sequence[PurchaseModelName] = PURCHASE_MODELS,
    choose: PurchaseModelName | None = None,
) -> ModelComparison:
    """Fit each model on calibration, score on holdout; choose the lowest per-customer RMSE.

    RMSE is the criterion because CLV ranks customers individually; a user may override it.
    """
    if not models:
        raise ValueError("need at least one model to compare")
    cal = split.calibration
    data = compress_customers(frequency=cal.frequency, recency=cal.recency, age=cal.age)
    fits: dict[PurchaseModelName, FitResult[PurchaseParams]] = {}
    scores = []
    for name in models:
        fitted = fit_purchase_model(name, data)
        fits[name] = fitted
        predicted = expected_purchases(fitted.params, data, t=split.holdout_length)
        scores.append(
            score_predictions(
                model=name,
                predicted=predicted,
                actual=split.holdout_purchases,
                calibration_log_likelihood=fitted.log_likelihood,
            )
        )
    if choose is not None:
        if choose not in fits:
            raise ValueError(f"chosen model {choose!r} was not among the fitted models")
        return ModelComparison(tuple(scores), fits, choose, "chosen by the user")
    best = min(scores, key=lambda score: score.root_mean_squared_error)
    return ModelComparison(tuple(scores), fits, best.model, "lowest holdout RMSE per customer")
