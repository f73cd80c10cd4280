"""Differentiate indicators over hand-built scores; expected values worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.insights.models import InsightsSettings
from tests.rapport.playbooks.builders import done_run, order, person, score
from tests.rapport.playbooks.test_indicators_identify import people_behind, read

pytestmark = pytest.mark.django_db


def test_scored_share_counts_customers_scored_by_the_latest_run(workspace: Any) -> None:
    # Given four customers (with orders) and a prospect without orders
    old_run = done_run()
    customers = [person(workspace.rep) for _ in range(4)]
    for c in customers:
        order(c, days=10)
    person(workspace.rep)
    # one scored by an older run only, two by the latest, one never
    score(customers[0], old_run)
    latest = done_run()
    score(customers[1], latest)
    score(customers[2], latest)

    # Then 2 of 4 customers carry a score of the latest run
    assert read("differentiate.scored_share").value == pytest.approx(2 / 4)
    assert people_behind("differentiate.scored_share") == {customers[0].pk, customers[3].pk}


def test_top_20_percent_share_and_gini_of_historical_value(workspace: Any) -> None:
    # Given five scored customers worth 10, 10, 20, 20, 140 (total 200)
    run = done_run()
    for value in (10, 10, 20, 20, 140):
        score(person(workspace.rep), run, historical=value)

    # Then the top 20 % (1 customer) holds 140 / 200
    assert read("differentiate.top20_value_share").value == pytest.approx(0.7)
    # Gini = 2·Σ i·x_i / (n·Σx) − (n+1)/n with x ascending:
    # Σ i·x_i = 1·10 + 2·10 + 3·20 + 4·20 + 5·140 = 870 → 2·870/1000 − 6/5 = 0.54
    assert read("differentiate.gini").value == pytest.approx(0.54)


def test_predicted_clv_in_total_and_per_tier(workspace: Any) -> None:
    run = done_run()
    for tier, predicted in (("A", 300.0), ("A", 200.0), ("B", 50.0), ("C", 5.0)):
        score(person(workspace.rep), run, tier=tier, predicted=predicted)
    reading = read("differentiate.predicted_clv_total")
    assert reading.value == pytest.approx(555.0)
    assert reading.breakdown == {"A": 500.0, "B": 50.0, "C": 5.0}


def test_tier_a_at_risk_uses_the_insights_threshold(workspace: Any) -> None:
    # Given four tier A customers with P(alive) 0.2, 0.49, 0.5, 0.9 and a tier B at 0.1
    run = done_run()
    tier_a = [score(person(workspace.rep), run, tier="A", p_alive=p) for p in (0.2, 0.49, 0.5, 0.9)]
    score(person(workspace.rep), run, tier="B", p_alive=0.1)

    # Then two of four tier A are below 0.5
    assert read("differentiate.tier_a_at_risk_share").value == pytest.approx(0.5)
    assert people_behind("differentiate.tier_a_at_risk_share") == {
        tier_a[0].person_id, tier_a[1].person_id,
    }  # fmt: skip

    # When the threshold moves to 0.6, three of four are at risk
    settings = InsightsSettings.current()
    settings.at_risk_p_alive = 0.6
    settings.save()
    assert read("differentiate.tier_a_at_risk_share").value == pytest.approx(0.75)
