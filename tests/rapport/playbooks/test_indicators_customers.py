"""Customer management indicators from orders: each case's day counts are in the test."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rapport.playbooks.builders import order, person
from tests.rapport.playbooks.test_indicators_identify import people_behind, read

pytestmark = pytest.mark.django_db


def customer(workspace: Any, *order_days: int, status: str = "completed") -> Any:
    who = person(workspace.rep)
    for days in order_days:
        order(who, days=days, status=status)
    return who


def test_acquired_counts_first_purchases_in_the_last_30_days(workspace: Any) -> None:
    a = customer(workspace, 5)
    b = customer(workspace, 29)
    customer(workspace, 30)  # 30 days ago is outside (today − 30, today]
    customer(workspace, 5, 200)  # an old customer buying again
    customer(workspace, 3, status="cancelled")  # a cancelled order is no purchase
    f = customer(workspace, 10)
    order(f, days=3, status="cancelled")

    assert read("customers.acquired").value == 3
    assert people_behind("customers.acquired") == {a.pk, b.pk, f.pk}


def test_penetration_is_a_second_purchase_within_90_days_of_the_first(workspace: Any) -> None:
    quick = customer(workspace, 100, 20)  # 80 days later
    on_the_day = customer(workspace, 200, 110)  # exactly 90 days later
    too_late = customer(workspace, 200, 109)  # 91 days later
    same_day = customer(workspace, 150, 150)  # two orders on the first day
    customer(workspace, 50)  # window not over yet: not in the cohort
    customer(workspace, 500, 480)  # first purchase before the cohort year

    # Then 2 of the 4 people in the cohort bought again in time
    assert read("customers.penetration_share").value == pytest.approx(0.5)
    assert people_behind("customers.penetration_share") == {too_late.pk, same_day.pk}
    assert {quick.pk, on_the_day.pk}.isdisjoint(people_behind("customers.penetration_share"))


def test_retention_and_churn_over_two_12_month_windows(workspace: Any) -> None:
    customer(workspace, 400, 10)  # bought in both years: retained
    lost = customer(workspace, 400)
    lost_too = customer(workspace, 700, 365)  # 365 days ago is still the previous year
    customer(workspace, 364)  # only this year: not in the base
    customer(workspace, 731, 5)  # before the previous year: not in the base

    assert read("customers.retention_rate").value == pytest.approx(1 / 3)
    assert read("customers.churn_rate").value == pytest.approx(2 / 3)
    assert people_behind("customers.churn_rate") == {lost.pk, lost_too.pk}


def test_won_back_after_a_year_without_purchase(workspace: Any) -> None:
    back = customer(workspace, 500, 10)  # 490 days without a purchase
    customer(workspace, 100, 10)  # 90 days: never lapsed
    customer(workspace, 455, 90)  # came back 90 days ago: outside the window
    back_on_the_day = customer(workspace, 400, 35, 20)  # first return 35 days ago, 365 after
    customer(workspace, 10)  # a new customer is not won back

    assert read("customers.won_back").value == 2
    assert people_behind("customers.won_back") == {back.pk, back_on_the_day.pk}
