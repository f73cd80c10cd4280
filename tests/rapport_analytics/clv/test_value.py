"""Discounted CLV and per-customer predictions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import hyp2f1

from rapport_analytics.clv import (
    BGNBDParams,
    CalibrationHoldout,
    GammaGammaParams,
    ParetoNBDParams,
    TimeUnit,
    expected_purchases_new_customer,
    per_period_discount_rate,
    predict_customers,
)
from rapport_analytics.clv.simulate import simulate_bgnbd, simulate_pnbd

CDNOW_BGNBD = BGNBDParams(0.243, 4.414, 0.793, 2.426)
CDNOW_PNBD = ParetoNBDParams(0.553, 10.578, 0.606, 11.669)
CDNOW_SPEND = GammaGammaParams(6.25, 3.74, 15.44)


@pytest.mark.parametrize("purchase_params", [CDNOW_BGNBD, CDNOW_PNBD])
def test_undiscounted_clv_is_margin_times_spend_times_expected_purchases(
    cdnow_split: CalibrationHoldout, purchase_params: BGNBDParams | ParetoNBDParams
) -> None:
    # when predicting 52 weeks with no discounting and a 30% margin
    predictions = predict_customers(
        summary=cdnow_split.calibration,
        purchase_params=purchase_params,
        spend_params=CDNOW_SPEND,
        horizon=52,
        margin=0.3,
    )
    # then CLV is exactly margin × expected spend × expected purchases
    expected = 0.3 * predictions.expected_average_spend * predictions.expected_purchases
    assert predictions.lifetime_value == pytest.approx(expected, rel=1e-9)
    assert np.all((predictions.probability_alive >= 0) & (predictions.probability_alive <= 1))


def test_discounting_lowers_value_and_more_so_at_higher_rates(
    cdnow_split: CalibrationHoldout,
) -> None:
    def total_value(annual_rate: float) -> float:
        predictions = predict_customers(
            summary=cdnow_split.calibration,
            purchase_params=CDNOW_BGNBD,
            spend_params=CDNOW_SPEND,
            horizon=104,
            discount_rate=per_period_discount_rate(annual_rate=annual_rate, unit=TimeUnit.WEEK),
        )
        return float(predictions.lifetime_value.sum())

    undiscounted, ten, thirty = total_value(0.0), total_value(0.10), total_value(0.30)
    assert undiscounted > ten > thirty > 0
    # two years at 10%/year: the discount on the total is between 1/1.21 and 1
    assert 1 / 1.21 < ten / undiscounted < 1


def test_weekly_rate_compounds_to_the_annual_rate() -> None:
    weekly = per_period_discount_rate(annual_rate=0.10, unit=TimeUnit.WEEK)
    assert (1 + weekly) ** (365.25 / 7) == pytest.approx(1.10)


def test_new_customer_expectation_matches_simulation_and_closed_form() -> None:
    # given 400,000 simulated new customers observed for 78 weeks under each CDNOW fit
    rng = np.random.default_rng(1)
    age = np.full(400_000, 78.0)
    bg_mean = simulate_bgnbd(CDNOW_BGNBD, age=age, rng=rng).frequency.mean()
    pareto_mean = simulate_pnbd(CDNOW_PNBD, age=age, rng=rng).frequency.mean()
    # when the models' closed forms are evaluated at t = 78
    bg = expected_purchases_new_customer(CDNOW_BGNBD, t=78)
    pareto = expected_purchases_new_customer(CDNOW_PNBD, t=78)
    # then they match the simulation (Monte Carlo error is about 0.5%)
    assert bg == pytest.approx(bg_mean, rel=0.02)
    assert pareto == pytest.approx(pareto_mean, rel=0.02)
    # and the BG/NBD Euler-transformed form equals the textbook form
    r, alpha, a, b = CDNOW_BGNBD.r, CDNOW_BGNBD.alpha, CDNOW_BGNBD.a, CDNOW_BGNBD.b
    z = 78 / (alpha + 78)
    textbook = (
        (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + 78)) ** r * hyp2f1(r, b, a + b - 1, z))
    )
    assert bg == pytest.approx(textbook, rel=1e-10)
    assert expected_purchases_new_customer(CDNOW_BGNBD, t=0) == 0
