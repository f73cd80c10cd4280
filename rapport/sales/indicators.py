"""Customer management from orders (QCI; Buttle's lifecycle stage): acquisition,
penetration, retention, churn and win-back. Definitions: docs/indicators.md.

Purchases are completed or pending orders of live people (an organisation's order
has no person to count). Windows are whole days ending today, in the workspace
time zone: "the last N days" is ``ordered_at`` in (today − N, today].
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from rapport.core.indicators import Reading, Scope, register_indicator, share
from rapport.people.models import Person
from rapport.sales.models import PURCHASE_STATUSES, Order

ACQUISITION_DAYS = 30
SECOND_ORDER_DAYS = 90
COHORT_DAYS = 365  # penetration: customers whose 90 days ended within the last year
YEAR = 365
WIN_BACK_DAYS = 90
LAPSED_AFTER_DAYS = 365  # no purchase for this long: lapsed


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _purchases(**filters: object) -> QuerySet[Order]:
    return Order.objects.filter(status__in=PURCHASE_STATUSES, **filters).order_by()


def _date_of(expression: object) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DateField())


def _first_purchase(**filters: object) -> Subquery:
    return Subquery(
        _purchases(person=OuterRef("pk"), **filters)
        .values("person")
        .annotate(day=Min("ordered_at"))
        .values("day")
    )


def acquired(scope: Scope) -> QuerySet[Person]:
    today = timezone.localdate()
    return (
        scope.people()
        .annotate(first_purchase=_first_purchase())
        .filter(first_purchase__gt=today - _days(ACQUISITION_DAYS), first_purchase__lte=today)
    )


def acquired_count(scope: Scope) -> Reading:
    return Reading(float(acquired(scope).count()))


def _penetration_cohort(scope: Scope) -> QuerySet[Person]:
    """First purchase long enough ago that the whole second-order window has passed."""
    window_ended = timezone.localdate() - _days(SECOND_ORDER_DAYS)
    return (
        scope.people()
        .annotate(first_purchase=_first_purchase())
        .filter(
            first_purchase__gt=window_ended - _days(COHORT_DAYS), first_purchase__lte=window_ended
        )
    )


def _second_purchase_in_time() -> Exists:
    return Exists(
        _purchases(
            person=OuterRef("pk"),
            ordered_at__gt=OuterRef("first_purchase"),
            ordered_at__lte=_date_of(OuterRef("first_purchase") + _days(SECOND_ORDER_DAYS)),
        )
    )


def no_second_purchase(scope: Scope) -> QuerySet[Person]:
    return _penetration_cohort(scope).exclude(_second_purchase_in_time())


def penetration_share(scope: Scope) -> Reading:
    cohort = _penetration_cohort(scope)
    return share(cohort.filter(_second_purchase_in_time()).count(), cohort.count())


def _bought_previous_year(scope: Scope) -> QuerySet[Person]:
    today = timezone.localdate()
    earlier = _purchases(
        ordered_at__gt=today - _days(2 * YEAR), ordered_at__lte=today - _days(YEAR)
    )
    return scope.people().filter(pk__in=earlier.values("person"))


def _bought_last_year() -> QuerySet[Order]:
    today = timezone.localdate()
    return _purchases(ordered_at__gt=today - _days(YEAR), ordered_at__lte=today)


def not_retained(scope: Scope) -> QuerySet[Person]:
    return _bought_previous_year(scope).exclude(pk__in=_bought_last_year().values("person"))


def retention_rate(scope: Scope) -> Reading:
    base = _bought_previous_year(scope)
    return share(base.filter(pk__in=_bought_last_year().values("person")).count(), base.count())


def churn_rate(scope: Scope) -> Reading:
    retained = retention_rate(scope).value
    return Reading(None if retained is None else 1 - retained)


def won_back(scope: Scope) -> QuerySet[Person]:
    today = timezone.localdate()
    since = today - _days(WIN_BACK_DAYS)
    previous = Subquery(
        _purchases(person=OuterRef("pk"), ordered_at__lt=OuterRef("back_on"))
        .values("person")
        .annotate(day=Max("ordered_at"))
        .values("day")
    )
    return (
        scope.people()
        .annotate(back_on=_first_purchase(ordered_at__gt=since, ordered_at__lte=today))
        .filter(back_on__isnull=False)
        .annotate(previous_on=previous)
        .filter(previous_on__lte=_date_of(F("back_on") - _days(LAPSED_AFTER_DAYS)))
    )


def won_back_count(scope: Scope) -> Reading:
    return Reading(float(won_back(scope).count()))


def register() -> None:
    register_indicator(
        "customers.acquired",
        name="New customers (30 days)",
        definition=(
            "Live people in scope whose first purchase (completed or pending order) falls in "
            "the last 30 days, today included."
        ),
        unit="count",
        compute=acquired_count,
        drilldown=acquired,
        drilldown_label="Customers acquired in the last 30 days",
    )
    register_indicator(
        "customers.penetration_share",
        name="Second purchase within 90 days",
        definition=(
            "Of the people in scope whose first purchase was 91 to 455 days ago (so their "
            "90 days have passed, over one year of cohorts), the share who bought again on a "
            "later day within 90 days of the first."
        ),
        unit="share",
        compute=penetration_share,
        drilldown=no_second_purchase,
        drilldown_label="First-time customers who did not buy again within 90 days",
    )
    register_indicator(
        "customers.retention_rate",
        name="Retention rate (12 months)",
        definition=(
            "Of the people in scope who bought in the previous 12 months (366 to 730 days "
            "ago), the share who also bought in the last 12 months (the last 365 days)."
        ),
        unit="share",
        compute=retention_rate,
        drilldown=not_retained,
        drilldown_label="Last year's customers who have not bought since",
    )
    register_indicator(
        "customers.churn_rate",
        name="Churn rate (12 months)",
        definition="1 − retention rate: last year's customers who have not bought since.",
        unit="share",
        better="lower",
        compute=churn_rate,
        drilldown=not_retained,
        drilldown_label="Last year's customers who have not bought since",
    )
    register_indicator(
        "customers.won_back",
        name="Customers won back (90 days)",
        definition=(
            "Live people in scope whose first purchase in the last 90 days came 365 days or "
            "more after their previous purchase (they had lapsed and bought again)."
        ),
        unit="count",
        compute=won_back_count,
        drilldown=won_back,
        drilldown_label="Customers won back in the last 90 days",
    )
