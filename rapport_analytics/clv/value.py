"""Per-customer predictions and discounted customer lifetime value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rapport_analytics.clv import gamma_gamma
from rapport_analytics.clv._fitting import CompressedCustomers, FloatArray, compress_customers
from rapport_analytics.clv.gamma_gamma import GammaGammaParams
from rapport_analytics.clv.models import (
    PurchaseParams,
    discounted_purchases_if_alive,
    expected_purchases_if_alive,
    probability_alive_rows,
)
from rapport_analytics.clv.summary import CustomerSummary, TimeUnit

DAYS_PER_YEAR = 365.25


def per_period_discount_rate(*, annual_rate: float, unit: TimeUnit) -> float:
    """The rate per model period equivalent to ``annual_rate`` compounded yearly."""
    if annual_rate <= -1:
        raise ValueError("annual discount rate must be greater than -100%")
    return float((1.0 + annual_rate) ** (unit.days / DAYS_PER_YEAR) - 1.0)


@dataclass(frozen=True)
class CustomerPredictions:
    """One entry per customer of the summary, in its order. Horizon is in the summary's unit."""

    customer_ids: npt.NDArray[np.generic]
    frequency: FloatArray
    recency: FloatArray
    age: FloatArray
    monetary_value: FloatArray
    probability_alive: FloatArray
    expected_purchases: FloatArray
    expected_average_spend: FloatArray
    lifetime_value: FloatArray
    horizon: float
    margin: float
    discount_rate: float  # per period


def predict_customers(
    *,
    summary: CustomerSummary,
    purchase_params: PurchaseParams,
    spend_params: GammaGammaParams,
    horizon: float,
    margin: float = 1.0,
    discount_rate: float = 0.0,
    compressed: CompressedCustomers | None = None,
) -> CustomerPredictions:
    """P(alive), expected purchases over ``horizon`` periods, expected spend and discounted CLV.

    CLV = margin × E[spend per purchase] × Σ_k discounted expected purchases in period k.
    Pass ``compressed`` if already built for this summary, to skip recompression.
    """
    if not margin >= 0:
        raise ValueError("margin must be non-negative")
    if discount_rate <= -1:
        raise ValueError("discount rate must be greater than -100%")
    data = compressed or compress_customers(
        frequency=summary.frequency, recency=summary.recency, age=summary.age
    )
    alive_rows = probability_alive_rows(purchase_params, data)
    if_alive = expected_purchases_if_alive(purchase_params, data.by_age, horizon)
    discounted = discounted_purchases_if_alive(
        purchase_params, data.by_age, horizon=horizon, discount_rate=discount_rate
    )
    pair = data.by_age.row_pair
    probability_alive = data.expand(alive_rows)
    expected = data.expand(alive_rows * if_alive[pair])
    discounted_purchases = data.expand(alive_rows * discounted[pair])
    spend = gamma_gamma.expected_average_spend(
        spend_params, frequency=summary.frequency, monetary_value=summary.monetary_value
    )
    return CustomerPredictions(
        customer_ids=summary.customer_ids,
        frequency=summary.frequency,
        recency=summary.recency,
        age=summary.age,
        monetary_value=summary.monetary_value,
        probability_alive=probability_alive,
        expected_purchases=expected,
        expected_average_spend=spend,
        lifetime_value=margin * spend * discounted_purchases,
        horizon=horizon,
        margin=margin,
        discount_rate=discount_rate,
    )
