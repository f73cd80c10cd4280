"""Segmentation: RFM scores, Pareto/Lorenz/Gini, tiers, strategically significant customers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport_analytics.segmentation import (
    Significance,
    StrategicFlag,
    assign_tiers,
    customer_share_for_value_share,
    gini,
    lorenz_curve,
    pareto_curve,
    quantile_scores,
    rfm_scores,
    strategic_customers,
)

values_strategy = st.lists(
    st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=300
)


def test_rfm_scores_rank_recent_frequent_big_spenders_highest() -> None:
    # given ten customers where customer 9 is the most recent, frequent and valuable
    days_since = np.arange(10, 0, -1) * 10.0  # 100 .. 10 days
    frequency = np.arange(10.0)
    monetary = np.arange(10.0) * 5
    # when scored in quintiles
    scores = rfm_scores(
        days_since_last_purchase=days_since, frequency=frequency, monetary=monetary, bins=5
    )
    # then scores run 1..5 in pairs, best customer "555", worst "111"
    assert scores.recency.tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores.combined[-1] == "555" and scores.combined[0] == "111"
    assert scores.total[-1] == 15


@settings(max_examples=100, deadline=None)
@given(values=values_strategy, bins=st.integers(min_value=2, max_value=10))
def test_quantile_scores_are_in_range_monotone_and_tie_consistent(
    values: list[float], bins: int
) -> None:
    array = np.array(values)
    scores = quantile_scores(array, bins=bins)
    assert scores.min() >= 1 and scores.max() <= bins
    order = np.argsort(array, kind="stable")
    assert np.all(np.diff(scores[order]) >= 0)  # more value never scores lower
    for value in np.unique(array):
        assert len(set(scores[array == value].tolist())) == 1  # ties share a score


def test_pareto_curve_reports_the_top_shares() -> None:
    # given one customer worth 80 and four worth 5 each
    values = [80, 5, 5, 5, 5]
    points = pareto_curve(values, top_shares=(0.2, 0.6, 1.0))
    assert [p.value_share for p in points] == pytest.approx([0.8, 0.9, 1.0])
    assert customer_share_for_value_share(values, value_share=0.8) == pytest.approx(0.2)


def test_gini_known_values_and_lorenz_endpoints() -> None:
    assert gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)  # (n−1)/n when one holds everything
    curve = lorenz_curve([1, 2, 3, 4])
    assert (curve.customer_share[0], curve.value_share[0]) == (0, 0)
    assert (curve.customer_share[-1], curve.value_share[-1]) == pytest.approx((1, 1))
    # Gini is one minus twice the area under the Lorenz curve
    heights = (curve.value_share[1:] + curve.value_share[:-1]) / 2
    area = float(np.sum(heights * np.diff(curve.customer_share)))  # trapezoid rule
    assert curve.gini == pytest.approx(1 - 2 * area)


@settings(max_examples=100, deadline=None)
@given(values=values_strategy)
def test_lorenz_curve_is_convex_below_the_diagonal(values: list[float]) -> None:
    curve = lorenz_curve(values)
    assert np.all(curve.value_share <= curve.customer_share + 1e-9)
    assert np.all(np.diff(curve.value_share) >= -1e-12)
    assert 0 <= curve.gini < 1


def test_tiers_by_customer_share_and_by_value_share() -> None:
    values = np.array([1.0, 100.0, 50.0, 10.0, 5.0, 4.0, 3.0, 2.0, 1.5, 1.2])
    # by customers: top 20% = 2 customers are A, next 30% = 3 are B
    tiers = assign_tiers(values, cutoffs=(0.2, 0.5))
    assert tiers.labels[1] == "A" and tiers.labels[2] == "A" and tiers.labels[3] == "B"
    assert tiers.counts() == {"A": 2, "B": 3, "C": 5}
    # by value: the customer worth 100 of 178.7 alone covers the first 50% of value
    by_value = assign_tiers(
        values, cutoffs=(0.5, 0.9), names=("gold", "silver", "bronze"), basis="value"
    )
    assert by_value.labels[1] == "gold" and by_value.labels[2] == "silver"


def test_tied_customers_share_a_tier() -> None:
    tiers = assign_tiers([5.0, 5.0, 5.0, 1.0], cutoffs=(0.5,), names=("A", "B"))
    assert tiers.labels.tolist() == ["A", "A", "A", "B"]


def test_strategic_customers_combine_computed_value_and_user_flags() -> None:
    # given five customers' predicted CLV and two user flags
    ids = np.array(["c1", "c2", "c3", "c4", "c5"])
    clv = np.array([900.0, 50.0, 20.0, 10.0, 5.0])
    flags = [
        StrategicFlag("c4", Significance.BENCHMARK, "others in the sector copy what they buy"),
        StrategicFlag("c1", Significance.COST_MAGNET, "volume carries the warehouse", set_by="ana"),
        StrategicFlag("c9", Significance.INSPIRATION, "new prospect pushing our API work"),
    ]
    # when combined with the top 20% by lifetime value
    result = strategic_customers(customer_ids=ids, lifetime_values=clv, flags=flags, top_share=0.2)
    by_id = {c.customer_id: c for c in result}
    # then c1 is high value and a cost magnet, c4 a benchmark, c9 flagged but unvalued (last)
    assert by_id["c1"].significance == {Significance.HIGH_LIFETIME_VALUE, Significance.COST_MAGNET}
    assert by_id["c4"].significance == {Significance.BENCHMARK}
    assert "c2" not in by_id
    assert [c.customer_id for c in result] == ["c1", "c4", "c9"]
    assert by_id["c9"].lifetime_value is None
    assert any("warehouse" in reason for reason in by_id["c1"].reasons)


def test_flags_need_a_reason_and_cannot_claim_computed_value() -> None:
    with pytest.raises(ValueError, match="reason"):
        StrategicFlag("c1", Significance.BENCHMARK, "  ")
    with pytest.raises(ValueError, match="computed"):
        StrategicFlag("c1", Significance.HIGH_LIFETIME_VALUE, "they spend a lot")
