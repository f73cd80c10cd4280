"""The engine reproduces the published CDNOW results (Fader, Hardie & Lee 2005)."""

from __future__ import annotations

import numpy as np
import pytest

from rapport_analytics.clv import (
    CalibrationHoldout,
    CompressedCustomers,
    bgnbd,
    compare_models,
    gamma_gamma,
    pnbd,
)


def significant(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


def test_summary_rebuilt_from_the_log_matches_the_published_summary(
    cdnow_split: CalibrationHoldout, cdnow_published_summary: np.ndarray
) -> None:
    # given the raw CDNOW log, calibration to 1997-09-30 in weeks (done in the fixture)
    summary = cdnow_split.calibration
    published = cdnow_published_summary
    # then every customer appears with the published x, t_x, T and zbar (2-decimal rounding)
    assert len(summary) == len(published) == 2357
    assert np.array_equal(summary.customer_ids.astype(int), published[:, 0].astype(int))
    assert np.array_equal(summary.frequency, published[:, 1])
    assert np.allclose(summary.recency, published[:, 2], atol=0.005 + 1e-9)
    assert np.allclose(summary.age, published[:, 3], atol=0.005 + 1e-9)
    assert np.allclose(summary.monetary_value, published[:, 4], atol=0.005 + 1e-9)


def test_bgnbd_fit_reproduces_published_parameters(cdnow_customers: CompressedCustomers) -> None:
    # when BG/NBD is fitted to the calibration summary
    fitted = bgnbd.fit(cdnow_customers)
    # then r, α, a, b and the log-likelihood match the paper to 3 significant figures
    p = fitted.params
    assert fitted.converged
    assert (significant(p.r), significant(p.alpha), significant(p.a), significant(p.b)) == (
        0.243,
        4.41,
        0.793,
        2.43,
    )
    assert fitted.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    # and the standard errors are finite and near the paper's (r 0.0125, α 0.378, a 0.186, b 0.705)
    se = fitted.standard_errors
    assert (se.r, se.alpha, se.a, se.b) == pytest.approx((0.0125, 0.378, 0.186, 0.705), rel=0.02)


def test_pareto_nbd_fit_reproduces_published_parameters(
    cdnow_customers: CompressedCustomers,
) -> None:
    # when Pareto/NBD is fitted to the same summary
    fitted = pnbd.fit(cdnow_customers)
    p = fitted.params
    # then r, α, s, β and the log-likelihood match the published values to 3 significant figures
    assert fitted.converged
    assert (significant(p.r), significant(p.alpha), significant(p.s), significant(p.beta)) == (
        0.553,
        10.6,
        0.606,
        11.7,
    )
    assert fitted.log_likelihood == pytest.approx(-9595.0, abs=0.05)


def test_gamma_gamma_fit_reproduces_published_parameters(
    cdnow_split: CalibrationHoldout,
) -> None:
    # given customers with repeat purchases and their mean repeat spend zbar
    summary = cdnow_split.calibration
    # when the spend model is fitted
    fitted = gamma_gamma.fit(frequency=summary.frequency, monetary_value=summary.monetary_value)
    # then p, q, γ are the published 6.25, 3.74, 15.44
    p = fitted.params
    assert fitted.n_customers == int((summary.frequency > 0).sum()) == 946
    assert (round(p.p, 2), round(p.q, 2), round(p.gamma, 2)) == (6.25, 3.74, 15.44)


def test_holdout_correlations_match_the_paper(cdnow_split: CalibrationHoldout) -> None:
    # when both models are fitted on weeks 1-39 and scored on weeks 40-78
    comparison = compare_models(cdnow_split)
    scores = {score.model: score for score in comparison.scores}
    # then predicted vs actual holdout purchases correlate as published (0.626 and 0.630)
    assert cdnow_split.holdout_length == 39
    assert round(scores["bgnbd"].correlation, 3) == 0.626
    assert round(scores["pnbd"].correlation, 3) == 0.630
    # and both under-forecast the holdout total, as the paper's tracking plots show
    assert scores["bgnbd"].actual_total == cdnow_split.holdout_purchases.sum() > 0
    assert -0.2 < scores["bgnbd"].aggregate_error < 0
    assert comparison.chosen in scores


def test_user_can_override_the_model_choice(cdnow_split: CalibrationHoldout) -> None:
    comparison = compare_models(cdnow_split, choose="bgnbd")
    assert comparison.chosen == "bgnbd"
    assert comparison.reason == "chosen by the user"
