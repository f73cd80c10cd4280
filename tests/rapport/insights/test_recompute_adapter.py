"""The recompute is an adapter: what it stores is what the engine computes from the orders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rapport.insights.models import CustomerScore, InsightsSettings
from rapport.insights.recompute import insights_recompute, load_orders
from rapport_analytics.clv import TransactionLog
from rapport_analytics.scoring import check_on_holdout, fit_value_models, score_customers


@pytest.mark.parametrize("model", ["bgnbd", "pnbd"])
def test_stored_scores_are_the_engines_scores_of_the_orders(seeded: Any, model: str) -> None:
    # given a workspace whose settings force one purchase model
    settings = InsightsSettings.current()
    settings.purchase_model = model
    settings.save()
    # when the recompute runs
    run = insights_recompute(triggered_by=None)
    assert run.status == "done", run.message
    # and the engine scores the same orders, up to the same day, by itself
    orders = load_orders(run.currency)
    log = TransactionLog(customer_ids=orders.keys, days=orders.days, amounts=orders.amounts)
    end_day = (run.holdout_end - dt.date(1970, 1, 1)).days
    check = check_on_holdout(log, end_day=end_day, choose=model)  # type: ignore[arg-type]
    models = fit_value_models(log, end_day=end_day, model=check.model)
    scores = score_customers(
        log, models, end_day=end_day, horizon_weeks=float(settings.horizon_weeks),
        margin=settings.margin, annual_discount_rate=settings.annual_discount_rate,
    )  # fmt: skip
    # then the run holds the engine's fit and holdout check
    assert run.model == check.model and run.choice_reason == check.reason
    assert run.log_likelihood == models.purchases.log_likelihood
    assert run.diagnostics["buckets"] == check.diagnostics["buckets"]
    # and each stored score is the engine's, person ids as they are, organisations negated
    stored = {
        (row.person_id or -row.organization_id): row
        for row in CustomerScore.objects.filter(run=run)
    }
    assert sorted(stored) == scores.customer_ids.tolist()
    for index, key in enumerate(scores.customer_ids.tolist()):
        row = stored[key]
        assert (row.tier, row.r_score, row.f_score, row.m_score) == (
            scores.tier[index],
            scores.r_score[index],
            scores.f_score[index],
            scores.m_score[index],
        )
        assert row.p_alive == pytest.approx(scores.p_alive[index], rel=1e-12)
        assert row.expected_purchases == pytest.approx(scores.expected_purchases[index], rel=1e-12)
        assert row.predicted_value == pytest.approx(scores.predicted_value[index])
        assert row.historical_value == pytest.approx(scores.historical_value[index])
        assert (row.high_value, row.orders) == (scores.high_value[index], scores.orders[index])
        first = dt.date(1970, 1, 1) + dt.timedelta(days=int(scores.first_day[index]))
        last = dt.date(1970, 1, 1) + dt.timedelta(days=int(scores.last_day[index]))
        assert (row.first_order_on, row.last_order_on) == (first, last)
