"""Differentiate indicators, read from the latest value scores (definitions: docs/indicators.md).

They cover people customers (a score on an organisation has no person to drill into).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from rapport.core.indicators import Reading, Scope, register_indicator, share
from rapport.insights.models import CustomerScore, InsightsSettings
from rapport.insights.portfolio import latest_run
from rapport.people.models import Person
from rapport.sales.models import PURCHASE_STATUSES, Order
from rapport_analytics.segmentation import gini, pareto_curve

TOP_SHARE = 0.2
TIER_A = "A"


def latest_scores(scope: Scope) -> QuerySet[CustomerScore]:
    return CustomerScore.objects.filter(
        is_latest=True, person__in=scope.people().values("pk")
    ).order_by()


def customers(scope: Scope) -> QuerySet[Person]:
    """People in scope with at least one purchase (a completed or pending order)."""
    purchases = Order.objects.filter(person=OuterRef("pk"), status__in=PURCHASE_STATUSES)
    return scope.people().filter(Exists(purchases))


def tier_a(scope: Scope) -> QuerySet[Person]:
    return scope.people().filter(customer_scores__is_latest=True, customer_scores__tier=TIER_A)


def not_scored_by_last_run(scope: Scope) -> QuerySet[Person]:
    run = latest_run()
    if run is None:
        return customers(scope)
    scored = CustomerScore.objects.filter(is_latest=True, run=run).values("person")
    return customers(scope).exclude(pk__in=scored)


def scored_share(scope: Scope) -> Reading:
    total = customers(scope).count()
    return share(total - not_scored_by_last_run(scope).count(), total)


def _historical_values(scope: Scope) -> list[float]:
    return list(latest_scores(scope).values_list("historical_value", flat=True))


def top20_value_share(scope: Scope) -> Reading:
    values = _historical_values(scope)
    if not values:
        return Reading(None)
    return Reading(pareto_curve(values, top_shares=(TOP_SHARE,))[0].value_share)


def value_gini(scope: Scope) -> Reading:
    values = _historical_values(scope)
    return Reading(gini(values) if values else None)


def scored_people(scope: Scope) -> QuerySet[Person]:
    return scope.people().filter(customer_scores__is_latest=True)


def predicted_clv(scope: Scope) -> Reading:
    rows = latest_scores(scope).values("tier").annotate(total=Sum("predicted_value"), n=Count("pk"))
    per_tier = {row["tier"]: float(row["total"]) for row in rows}
    if not per_tier:
        return Reading(None)
    return Reading(sum(per_tier.values()), dict(sorted(per_tier.items())))


def tier_a_at_risk(scope: Scope) -> QuerySet[Person]:
    threshold = InsightsSettings.current().at_risk_p_alive
    return scope.people().filter(
        customer_scores__is_latest=True,
        customer_scores__tier=TIER_A,
        customer_scores__p_alive__lt=threshold,
    )


def tier_a_at_risk_share(scope: Scope) -> Reading:
    return share(tier_a_at_risk(scope).count(), tier_a(scope).count())


def register() -> None:
    register_indicator(
        "differentiate.scored_share",
        name="Customers scored by the last recompute",
        definition=(
            "Share of people customers in scope (live, with at least one completed or "
            "pending order) whose current value score comes from the latest finished "
            "recompute. Zero when no recompute has finished."
        ),
        unit="share",
        compute=scored_share,
        drilldown=not_scored_by_last_run,
        drilldown_label="Customers the last recompute did not score",
    )
    register_indicator(
        "differentiate.top20_value_share",
        name="Value held by the top 20 %",
        definition=(
            "Of the scored people customers in scope, ranked by historical value, the share "
            "of total historical value held by the top 20 % (rounded up, at least one)."
        ),
        unit="share",
        better="lower",
        compute=top20_value_share,
        drilldown=scored_people,
        drilldown_label="Scored customers",
    )
    register_indicator(
        "differentiate.gini",
        name="Value concentration (Gini)",
        definition=(
            "Gini coefficient of historical value over the scored people customers in scope: "
            "0 when all hold the same value, close to 1 when one holds it all."
        ),
        unit="index",
        better="lower",
        compute=value_gini,
        drilldown=scored_people,
        drilldown_label="Scored customers",
    )
    register_indicator(
        "differentiate.predicted_clv_total",
        name="Predicted customer lifetime value",
        definition=(
            "Sum of predicted value (after margin and discounting, over the model horizon) of "
            "the scored people customers in scope, in the insights currency; per tier too."
        ),
        unit="currency",
        compute=predicted_clv,
        drilldown=scored_people,
        drilldown_label="Scored customers",
    )
    register_indicator(
        "differentiate.tier_a_at_risk_share",
        name="Tier A at risk",
        definition=(
            "Share of tier A people customers in scope whose probability of still being "
            "active is below the insights at-risk threshold (0.5 unless changed)."
        ),
        unit="share",
        better="lower",
        compute=tier_a_at_risk_share,
        drilldown=tier_a_at_risk,
        drilldown_label="Tier A customers at risk",
    )
