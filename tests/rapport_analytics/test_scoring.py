"""Scoring a customer base: holdout check, value models, per-customer scores."""

from __future__ import annotations

import numpy as np
import pytest

from rapport_analytics.clv import BGNBDParams, GammaGammaParams, TransactionLog
from rapport_analytics.clv.simulate import simulate_transaction_log
from rapport_analytics.scoring import (
    MIN_CUSTOMERS,
    CustomerScores,
    NotEnoughData,
    ValueModels,
    check_on_holdout,
    fit_value_models,
    score_customers,
)

END_DAY = 730


@pytest.fixture(scope="module")
def log() -> TransactionLog:
    """Two years of a BG/NBD population; every third customer has a negative id, as the
    app gives organisations."""
    simulated = simulate_transaction_log(
        BGNBDParams(0.5, 6.0, 0.8, 2.5), GammaGammaParams(6.0, 4.0, 15.0),
        n_customers=1500, cohort_days=365, observation_days=END_DAY, rng=np.random.default_rng(5),
    )  # fmt: skip
    ids = simulated.customer_ids.astype(np.int64)
    return TransactionLog(
        customer_ids=np.where(ids % 3 == 0, -ids, ids),
        days=simulated.days,
        amounts=simulated.amounts,
    )


@pytest.fixture(scope="module")
def models(log: TransactionLog) -> ValueModels:
    return fit_value_models(log, end_day=END_DAY, model="bgnbd")


def _score(log: TransactionLog, models: ValueModels, margin: float = 1.0) -> CustomerScores:
    return score_customers(
        log, models, end_day=END_DAY, horizon_weeks=52.0, margin=margin, annual_discount_rate=0.1
    )


def test_each_customer_is_scored_from_their_own_purchases(
    log: TransactionLog, models: ValueModels
) -> None:
    # when the population is scored
    scores = _score(log, models)
    # then there is one entry per customer, in id order
    ids = np.unique(log.customer_ids)
    assert scores.customer_ids.tolist() == ids.tolist()
    # and first/last purchase, purchase days and spend are each customer's own
    for index in np.random.default_rng(1).choice(len(ids), size=50, replace=False):
        mine = log.customer_ids == ids[index]
        days, amounts = log.days[mine], log.amounts[mine]
        assert scores.first_day[index] == days.min()
        assert scores.last_day[index] == days.max()
        assert scores.orders[index] == len(np.unique(days))
        assert scores.historical_value[index] == pytest.approx(round(amounts.sum(), 2))


def test_tiers_and_the_high_value_flag_follow_predicted_value(
    log: TransactionLog, models: ValueModels
) -> None:
    scores = _score(log, models)
    value = scores.predicted_value
    # then tier A customers are worth at least as much as B, and B as much as C
    assert value[scores.tier == "A"].min() >= value[scores.tier == "B"].max()
    assert value[scores.tier == "B"].min() >= value[scores.tier == "C"].max()
    # and the high-value flag marks the top fifth
    flagged = value[scores.high_value]
    assert len(flagged) == int(np.ceil(0.2 * len(value)))
    assert flagged.min() >= value[~scores.high_value].max()
    # and RFM scores are quintiles (ties share one), p_alive a probability
    for column in (scores.r_score, scores.f_score, scores.m_score):
        assert column.min() >= 1 and column.max() == 5
    assert np.all((scores.p_alive >= 0) & (scores.p_alive <= 1))


def test_predicted_value_scales_with_the_margin(log: TransactionLog, models: ValueModels) -> None:
    # when the same population is scored at a 100% and a 40% margin
    full, part = _score(log, models, margin=1.0), _score(log, models, margin=0.4)
    # then predicted value scales by the margin (to the cent) and nothing else moves
    assert np.allclose(part.predicted_value, 0.4 * full.predicted_value, atol=0.01)
    assert np.array_equal(part.expected_purchases, full.expected_purchases)
    assert np.array_equal(part.r_score, full.r_score)


def test_the_holdout_check_honours_a_forced_model_and_covers_every_customer(
    log: TransactionLog,
) -> None:
    # when both models are checked on a holdout, once choosing freely and once forced
    free = check_on_holdout(log, end_day=END_DAY, choose=None)
    forced = check_on_holdout(log, end_day=END_DAY, choose="pnbd")
    # then the forced model is the one reported, and each check scored both models
    assert forced.model == "pnbd" and free.model in {"bgnbd", "pnbd"}
    assert [row["model"] for row in free.diagnostics["comparison"]] == ["bgnbd", "pnbd"]
    # and the buckets cover every calibration customer once, before the holdout
    buckets = free.diagnostics["buckets"]
    assert sum(b["customers"] for b in buckets) == free.diagnostics["calibration_customers"]
    assert free.calibration_end_day < END_DAY


def test_too_few_customers_is_not_enough_data(log: TransactionLog) -> None:
    # given a log of fewer customers than the minimum
    few = np.isin(log.customer_ids, np.unique(log.customer_ids)[: MIN_CUSTOMERS - 1])
    small = TransactionLog(log.customer_ids[few], log.days[few], log.amounts[few])
    # then the holdout check refuses, saying why
    with pytest.raises(NotEnoughData, match="Too few customers"):
        check_on_holdout(small, end_day=END_DAY, choose=None)
