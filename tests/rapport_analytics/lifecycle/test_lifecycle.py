"""Lifecycle stages from order days: hand-worked sequences with the default thresholds.

Defaults: repeat from 2 orders, loyal from 5 orders while the last is at most 180 days
old, at risk after 2 × the usual interval (90 days for one order), lapsed after the
larger of 365 days and the at-risk gap.
"""

from __future__ import annotations

import numpy as np

from rapport_analytics.lifecycle import STAGES, Thresholds, changes, current, replay, stage_on

TH = Thresholds()
# Orders every 30 days (days 0–120), a long silence, then two orders.
ORDERS = [0, 30, 60, 90, 120, 600, 700]


def _sequence(events) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return [(int(d), STAGES[p], STAGES[s]) for d, p, s in
            zip(events.days, events.previous, events.stages, strict=True)]  # fmt: skip


def test_orders_over_time_give_the_hand_worked_stage_sequence() -> None:
    # given one customer's orders, replayed up to day 900
    events = replay([7] * len(ORDERS), ORDERS, as_of=900, thresholds=TH)
    # then each stage starts on the day worked out by hand:
    assert _sequence(events) == [
        (0, "prospect", "customer"),  # first order
        (30, "customer", "repeat"),  # second order (days 60, 90 stay repeat)
        (120, "repeat", "loyal"),  # fifth order, interval 30
        (181, "loyal", "at_risk"),  # gap 61 > 2 × 30
        (486, "at_risk", "lapsed"),  # gap 366 > max(365, 60)
        (600, "lapsed", "won_back"),  # an order after a lapse
        (700, "won_back", "loyal"),  # 7 orders, interval 700 / 6
        (881, "loyal", "repeat"),  # gap 181 > 180: no longer recent enough for loyal
    ]


def test_one_order_becomes_at_risk_then_lapsed_on_the_default_interval() -> None:
    # given a single order on day 10: at risk after 2 × 90 days, lapsed after 365
    events = replay([1], [10], as_of=400, thresholds=TH)
    assert _sequence(events) == [
        (10, "prospect", "customer"), (191, "customer", "at_risk"), (376, "at_risk", "lapsed")]  # fmt: skip


def test_orders_on_one_day_count_once_and_later_orders_are_ignored() -> None:
    events = replay([3, 3, 3], [5, 5, 50], as_of=20, thresholds=TH)
    assert _sequence(events) == [(5, "prospect", "customer")]


def test_changes_add_only_what_came_after_the_stored_stage() -> None:
    # given the state stored by a computation on day 500 (lapsed since day 486)
    stored = current(replay([7] * 5, ORDERS[:5], as_of=500, thresholds=TH))
    assert [int(x) for x in stored[2]] == [486]
    events = replay([7] * len(ORDERS), ORDERS, as_of=900, thresholds=TH)
    # when the computation runs again on day 900 with a high P(alive)
    new = changes(events, as_of=900, p_alive_customers=[7], p_alive=[0.9],
                  stored_customers=stored[0], stored_stages=stored[1], stored_since=stored[2],
                  thresholds=TH)  # fmt: skip
    # then lapsed → won back → loyal → repeat are the new transitions
    assert _sequence(new) == [
        (600, "lapsed", "won_back"), (700, "won_back", "loyal"), (881, "loyal", "repeat")]  # fmt: skip
    # and run again with nothing new, nothing is added
    latest = current(new)
    again = changes(events, as_of=900, p_alive_customers=[7], p_alive=[0.9],
                    stored_customers=latest[0], stored_stages=latest[1], stored_since=latest[2],
                    thresholds=TH)  # fmt: skip
    assert len(again) == 0


def test_a_low_p_alive_makes_an_active_customer_at_risk_until_it_rises() -> None:
    events = replay([7] * len(ORDERS), ORDERS, as_of=900, thresholds=TH)
    stored = current(events)  # repeat since 881
    low = changes(events, as_of=900, p_alive_customers=[7], p_alive=[0.2],
                  stored_customers=stored[0], stored_stages=stored[1], stored_since=stored[2],
                  thresholds=TH)  # fmt: skip
    assert _sequence(low) == [(900, "repeat", "at_risk")]
    # a later computation (day 910) where P(alive) is back above the threshold
    later = replay([7] * len(ORDERS), ORDERS, as_of=910, thresholds=TH)
    risky = current(low)
    back = changes(later, as_of=910, p_alive_customers=[7], p_alive=[0.8],
                   stored_customers=risky[0], stored_stages=risky[1], stored_since=risky[2],
                   thresholds=TH)  # fmt: skip
    assert _sequence(back) == [(910, "at_risk", "repeat")]


def test_many_customers_at_once_match_one_at_a_time() -> None:
    # given 300 random customers replayed together
    rng = np.random.default_rng(4)
    customers = rng.integers(1, 300, size=2000)
    days = rng.integers(0, 1500, size=2000)
    events = replay(customers, days, as_of=1500, thresholds=TH)
    keys, stages, _ = current(events)
    # then each one's last stage is what stage_on gives for that customer alone
    for key, stage in zip(keys[:60], stages[:60], strict=True):
        assert stage_on(days[customers == key], 1500, thresholds=TH) == STAGES[stage]


def test_thresholds_are_used() -> None:
    strict = Thresholds(repeat_orders=3, loyal_orders=3, lapsed_days=100)
    assert stage_on([0, 10], 10, thresholds=strict) == "customer"
    assert stage_on([0, 10, 20], 20, thresholds=strict) == "loyal"
    assert stage_on([0, 10, 20], 121, thresholds=strict) == "lapsed"
    assert stage_on([], 5, thresholds=strict) == "prospect"
    assert stage_on([0, 10], 10, thresholds=strict, p_alive=0.1) == "at_risk"
