"""Fitting data simulated from each model recovers the parameters it was drawn with."""

from __future__ import annotations

from dataclasses import astuple

import numpy as np
import pytest

from rapport_analytics.clv import (
    BGNBDParams,
    GammaGammaParams,
    ParetoNBDParams,
    TimeUnit,
    bgnbd,
    compress_customers,
    gamma_gamma,
    pnbd,
    summarize_transactions,
)
from rapport_analytics.clv.simulate import (
    simulate_bgnbd,
    simulate_mean_spend,
    simulate_pnbd,
    simulate_transaction_log,
)


def assert_recovered(estimate: object, standard_errors: object, truth: object) -> None:
    """Within 4 standard errors and 15%: tight enough to catch a wrong likelihood."""
    for fitted, se, true in zip(
        astuple(estimate), astuple(standard_errors), astuple(truth), strict=True
    ):
        assert np.isfinite(se) and se > 0
        assert abs(fitted - true) < 4 * se, (fitted, se, true)
        assert fitted == pytest.approx(true, rel=0.15)


def test_bgnbd_recovers_its_parameters() -> None:
    # given 30,000 customers drawn from a known BG/NBD, whole-week ages from 13 to 65
    truth = BGNBDParams(r=0.5, alpha=6.0, a=0.8, b=2.5)
    rng = np.random.default_rng(20240101)
    customers = simulate_bgnbd(truth, age=rng.integers(13, 66, 30_000).astype(float), rng=rng)
    # when BG/NBD is fitted
    data = compress_customers(
        frequency=customers.frequency, recency=customers.recency, age=customers.age
    )
    fitted = bgnbd.fit(data)
    # then the estimates are within sampling error of the truth
    assert_recovered(fitted.params, fitted.standard_errors, truth)


def test_pareto_nbd_recovers_its_parameters() -> None:
    truth = ParetoNBDParams(r=0.6, alpha=8.0, s=0.8, beta=12.0)
    rng = np.random.default_rng(7)
    customers = simulate_pnbd(truth, age=rng.integers(13, 66, 30_000).astype(float), rng=rng)
    data = compress_customers(
        frequency=customers.frequency, recency=customers.recency, age=customers.age
    )
    fitted = pnbd.fit(data)
    assert_recovered(fitted.params, fitted.standard_errors, truth)


def test_gamma_gamma_recovers_its_parameters() -> None:
    truth = GammaGammaParams(p=6.0, q=4.0, gamma=15.0)
    rng = np.random.default_rng(11)
    frequency = rng.poisson(3.0, 30_000).astype(float)
    zbar = simulate_mean_spend(truth, frequency=frequency, rng=rng)
    fitted = gamma_gamma.fit(frequency=frequency, monetary_value=zbar)
    assert_recovered(fitted.params, fitted.standard_errors, truth)


def test_simulated_log_summarises_and_refits_near_the_truth() -> None:
    # given a daily transaction log simulated from BG/NBD (purchases rounded to days)
    truth = BGNBDParams(r=0.4, alpha=5.0, a=0.8, b=2.5)
    log = simulate_transaction_log(
        truth,
        GammaGammaParams(6.0, 4.0, 15.0),
        n_customers=20_000,
        cohort_days=91,
        observation_days=455,
        rng=np.random.default_rng(5),
    )
    # when it is summarised in weeks and fitted
    summary = summarize_transactions(log, unit=TimeUnit.WEEK)
    data = compress_customers(frequency=summary.frequency, recency=summary.recency, age=summary.age)
    fitted = bgnbd.fit(data)
    # then every customer is present and the fit lands near the truth (day rounding merges a few)
    assert len(summary) == 20_000
    assert fitted.params.r == pytest.approx(truth.r, rel=0.2)
    assert fitted.params.alpha == pytest.approx(truth.alpha, rel=0.2)
