"""Reads for the value pages: one customer's value panel, and the portfolio aggregates.

The portfolio only aggregates customers the user may see: the latest scores are
filtered through ``visible_to`` on people and organisations, like every list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.timesince import timesince

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.core.entities import entity_of
from rapport.insights.models import (
    CustomerScore,
    InsightsSettings,
    ModelRun,
    RunStatus,
    StrategicFlag,
)
from rapport.people.models import Organization, Person
from rapport_analytics.segmentation import lorenz_curve, pareto_curve

HISTORY_POINTS = 12
AT_RISK_CANDIDATES = 500
AT_RISK_LIMIT = 20
FALLING_BY = 0.1


def latest_run() -> ModelRun | None:
    return ModelRun.objects.filter(status=RunStatus.DONE).first()


def recent_runs(limit: int = 5) -> list[ModelRun]:
    return list(ModelRun.objects.select_related("triggered_by")[:limit])


@dataclass
class CustomerValue:
    score: CustomerScore | None
    history: list[CustomerScore]
    flags: list[StrategicFlag]
    run: ModelRun | None
    explanation: list[str] = field(default_factory=list)


def _ago(day: dt.date) -> str:
    today = timezone.localdate()
    if day >= today:
        return "today"
    return timesince(dt.datetime.combine(day, dt.time()), dt.datetime.combine(today, dt.time()),
                     depth=1) + " ago"  # fmt: skip


def explain(score: CustomerScore, previous: CustomerScore | None, horizon: float) -> list[str]:
    """The scores in plain words, for people who do not think in parameters."""
    # Orders on one day count as one purchase, as in the models.
    times = "once" if score.orders == 1 else f"on {score.orders} different days"
    lines = [
        f"Bought {times}, last {_ago(score.last_order_on)}; customers with this pattern "
        f"usually buy again: {score.p_alive:.0%} chance still active."
    ]
    lines.append(
        f"Expected to buy about {score.expected_purchases:.1f} times in the next "
        f"{horizon:.0f} weeks, worth about {score.predicted_value:,.0f} (after margin and "
        f"discounting); {score.historical_value:,.0f} spent so far."
    )
    if previous is not None and abs(previous.p_alive - score.p_alive) >= 0.05:
        direction = "Down" if score.p_alive < previous.p_alive else "Up"
        lines.append(f"{direction} from {previous.p_alive:.0%} active at the previous run.")
    if score.high_value:
        lines.append(
            "Among the top 20% of customers by predicted value: strategically significant."
        )
    return lines


def customer_value(*, customer: Person | Organization) -> CustomerValue:
    """Value data for a customer the caller already has access to."""
    entity = entity_of(customer).key
    history = list(
        CustomerScore.objects.filter(**{entity: customer})
        .select_related("run")
        .order_by("-scored_at", "-id")[:HISTORY_POINTS]
    )[::-1]
    score = history[-1] if history and history[-1].is_latest else None
    flags = list(StrategicFlag.objects.filter(**{entity: customer}).select_related("set_by"))
    run = score.run if score else latest_run()
    value = CustomerValue(score=score, history=history, flags=flags, run=run)
    if score is not None:
        previous = history[-2] if len(history) > 1 else None
        value.explanation = explain(score, previous, score.run.horizon)
    return value


def visible_scores(user: User) -> QuerySet[CustomerScore]:
    """Latest scores of live customers ``user`` may see."""
    people = visible_to(Person.objects.filter(deleted_at__isnull=True), user).values("pk")
    orgs = visible_to(Organization.objects.filter(deleted_at__isnull=True), user).values("pk")
    return CustomerScore.objects.filter(is_latest=True).filter(
        Q(person__in=people) | Q(organization__in=orgs)
    )


@dataclass
class Portfolio:
    customers: int
    basis: str
    total_value: float
    top20_share: float
    gini: float
    lorenz: Any
    values: Any
    tiers: list[dict[str, Any]]
    rfm_grid: list[dict[str, Any]]  # rows R=5…1, each {r, cells: [{f, count, intensity}]}
    at_risk: list[CustomerScore]
    predicted: Any


def portfolio(*, user: User, basis: str = "historical") -> Portfolio | None:
    """Aggregates over the user's visible customers; None before the first run."""
    rows = list(
        visible_scores(user).values_list(
            "predicted_value", "historical_value", "tier", "r_score", "f_score"
        )
    )
    if not rows:
        return None
    predicted = np.fromiter((r[0] for r in rows), dtype=float, count=len(rows))
    historical = np.fromiter((r[1] for r in rows), dtype=float, count=len(rows))
    values = np.maximum(historical if basis == "historical" else predicted, 0.0)
    tiers = np.array([r[2] for r in rows])
    r_scores = np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows))
    f_scores = np.fromiter((r[4] for r in rows), dtype=np.int64, count=len(rows))
    curve = lorenz_curve(values)
    top20 = pareto_curve(values, top_shares=(0.2,))[0].value_share
    tier_rows = []
    for name in ("A", "B", "C"):
        members = tiers == name
        tier_rows.append({
            "name": name, "customers": int(members.sum()),
            "predicted": float(predicted[members].sum()), "historical": float(historical[members].sum()),
        })  # fmt: skip
    grid = np.zeros((6, 6), dtype=np.int64)
    np.add.at(grid, (r_scores, f_scores), 1)
    busiest = max(int(grid.max()), 1)
    rfm_rows = [
        {"r": r, "cells": [{"f": f, "count": int(grid[r, f]), "intensity": grid[r, f] / busiest}
                           for f in range(1, 6)]}
        for r in range(5, 0, -1)
    ]  # fmt: skip
    return Portfolio(
        customers=len(rows),
        basis=basis,
        total_value=float(values.sum()),
        top20_share=top20,
        gini=curve.gini,
        lorenz=curve,
        values=values,
        tiers=tier_rows,
        rfm_grid=rfm_rows,
        at_risk=at_risk_and_valuable(user=user),
        predicted=predicted,
    )


def at_risk_and_valuable(*, user: User) -> list[CustomerScore]:
    """High-value customers whose p_alive is low, or fell since the previous run."""
    threshold = InsightsSettings.current().at_risk_p_alive
    candidates = list(
        visible_scores(user)
        .filter(high_value=True)
        .select_related("person", "organization", "run")
        .order_by("-predicted_value", "id")[:AT_RISK_CANDIDATES]
    )
    if not candidates:
        return []
    runs = list(ModelRun.objects.filter(status=RunStatus.DONE).values_list("pk", flat=True)[:2])
    previous: dict[tuple[int | None, int | None], float] = {}
    if len(runs) == 2:
        people = [c.person_id for c in candidates if c.person_id]
        orgs = [c.organization_id for c in candidates if c.organization_id]
        earlier = CustomerScore.objects.filter(run_id=runs[1]).filter(
            Q(person_id__in=people) | Q(organization_id__in=orgs)
        )
        previous = {
            (p, o): alive
            for p, o, alive in earlier.values_list("person_id", "organization_id", "p_alive")
        }
    result = []
    for score in candidates:
        before = previous.get((score.person_id, score.organization_id))
        # Shown as "was …" only when it moved.
        moved = before is not None and abs(before - score.p_alive) >= 0.005
        score.previous_p_alive = before if moved else None  # type: ignore[attr-defined]
        falling = before is not None and before - score.p_alive >= FALLING_BY
        if score.p_alive < threshold or falling:
            result.append(score)
        if len(result) >= AT_RISK_LIMIT:
            break
    return result
