"""Transaction summary: invariants, same-day merging, calibration/holdout split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport_analytics.clv import (
    TimeUnit,
    TransactionLog,
    split_calibration_holdout,
    summarize_transactions,
)

transactions = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=30),  # customer
        st.integers(min_value=0, max_value=400),  # day
        st.floats(min_value=0, max_value=1e4, allow_nan=False),  # amount
    ),
    min_size=1,
    max_size=200,
)


def as_log(rows: list[tuple[int, int, float]]) -> TransactionLog:
    ids, days, amounts = zip(*rows, strict=True)
    return TransactionLog.from_arrays(
        customer_ids=np.array(ids), dates=np.array(days), amounts=np.array(amounts)
    )


@settings(max_examples=200, deadline=None)
@given(rows=transactions, end=st.integers(min_value=0, max_value=400), weekly=st.booleans())
def test_summary_invariants_hold_for_any_log(
    rows: list[tuple[int, int, float]], end: int, weekly: bool
) -> None:
    # given any transaction log and calibration end
    unit = TimeUnit.WEEK if weekly else TimeUnit.DAY
    log = as_log(rows)
    # when it is summarised
    summary = summarize_transactions(log, calibration_end=end, unit=unit)
    # then 0 <= t_x <= T, x >= 0, x = 0 implies t_x = 0 and no repeat spend
    assert np.all(summary.frequency >= 0)
    assert np.all((summary.recency >= 0) & (summary.recency <= summary.age))
    assert np.all(summary.recency[summary.frequency == 0] == 0)
    assert np.all(summary.monetary_value[summary.frequency == 0] == 0)
    # and x counts distinct purchase days after the first, per customer, up to the end
    for customer, x in zip(summary.customer_ids, summary.frequency, strict=True):
        days = {day for cid, day, _ in rows if cid == customer and day <= end}
        assert x == len(days) - 1
    expected_customers = sorted({cid for cid, day, _ in rows if day <= end})
    assert summary.customer_ids.tolist() == expected_customers


def test_same_day_purchases_are_one_transaction_with_summed_spend() -> None:
    # given a customer who buys twice on day 0 and twice on day 14
    log = TransactionLog.from_arrays(
        customer_ids=np.array(["a", "a", "a", "a"]),
        dates=np.array(
            ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-15"], dtype="datetime64[D]"
        ),
        amounts=np.array([5.0, 7.0, 10.0, 20.0]),
    )
    # when summarised in weeks at the end of January
    summary = summarize_transactions(log, calibration_end="2024-01-31", unit=TimeUnit.WEEK)
    # then there is one repeat purchase of 30, two weeks after the first, age 30 days
    assert summary.frequency.tolist() == [1.0]
    assert summary.recency.tolist() == [2.0]
    assert summary.age.tolist() == pytest.approx([30 / 7])
    assert summary.monetary_value.tolist() == [30.0]


def test_customers_first_seen_after_calibration_end_are_left_out_of_calibration() -> None:
    log = TransactionLog.from_arrays(
        customer_ids=np.array([1, 1, 2, 1, 1]),
        dates=np.array([0, 3, 20, 11, 11]),
        amounts=np.ones(5),
    )
    # when split at day 10 with a holdout to day 30
    split = split_calibration_holdout(log, calibration_end=10, holdout_end=30, unit=TimeUnit.DAY)
    # then customer 2 (first purchase on day 20) is not in calibration
    assert split.calibration.customer_ids.tolist() == [1]
    # and customer 1's two day-11 purchases count as one holdout purchase
    assert split.holdout_purchases.tolist() == [1.0]
    assert split.holdout_length == 20


def test_a_purchase_on_the_calibration_end_gives_age_zero() -> None:
    log = TransactionLog.from_arrays(
        customer_ids=np.array([9]), dates=np.array([5]), amounts=np.array([1.0])
    )
    summary = summarize_transactions(log, calibration_end=5, unit=TimeUnit.DAY)
    assert (summary.frequency[0], summary.recency[0], summary.age[0]) == (0, 0, 0)


@pytest.mark.parametrize(
    ("amounts", "message"),
    [([-1.0], "non-negative"), ([float("nan")], "finite")],
)
def test_invalid_amounts_are_rejected(amounts: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TransactionLog.from_arrays(
            customer_ids=np.array([1]), dates=np.array([0]), amounts=np.array(amounts)
        )
