"""Hand-built records for the indicator tests: each call is one row the test can count."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rapport.activities.models import Activity, ActivityLink
from rapport.dedupe.models import DuplicateCluster, DuplicatePair, ScanRun
from rapport.insights.models import CustomerScore, ModelRun
from rapport.people.models import Person
from rapport.sales.models import Order

_serial = itertools.count(1)


def person(owner: Any, *, team: Any = None, **fields: Any) -> Person:
    fields.setdefault("first_name", f"P{next(_serial)}")
    team = team if team is not None else (owner.teams.first() if owner else None)
    return Person.objects.create(owner=owner, team=team, **fields)


def days_ago(n: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def order(customer: Person, *, days: int, amount: str = "10", status: str = "completed") -> Order:
    return Order.objects.create(
        person=customer,
        ordered_at=timezone.localdate() - dt.timedelta(days=days),
        amount=Decimal(amount),
        currency="EUR",
        status=status,
    )


def done_run() -> ModelRun:
    return ModelRun.objects.create(status="done", finished_at=timezone.now())


def score(
    customer: Person,
    run: ModelRun,
    *,
    tier: str = "B",
    p_alive: float = 0.9,
    historical: float = 100.0,
    predicted: float = 50.0,
) -> CustomerScore:
    CustomerScore.objects.filter(person=customer, is_latest=True).update(is_latest=False)
    today = timezone.localdate()
    return CustomerScore.objects.create(
        run=run, person=customer, tier=tier, r_score=3, f_score=3, m_score=3, p_alive=p_alive,
        expected_purchases=1.0, predicted_value=predicted, historical_value=historical,
        orders=1, first_order_on=today, last_order_on=today,
    )  # fmt: skip


def touch(customer: Person, *, kind: str = "call", days: float = 1) -> Activity:
    when = days_ago(days)
    activity = Activity.objects.create(kind=kind, subject="touch", occurred_at=when)
    ActivityLink.objects.create(activity=activity, person=customer, occurred_at=when, kind=kind)
    return activity


def duplicate_pair(a: Person, b: Person, *, status: str = "open") -> DuplicatePair:
    scan = ScanRun.objects.create(entity="person", status="done")
    cluster = DuplicateCluster.objects.create(
        entity="person", scan=scan, certainty=0.9, size=2, status=status
    )
    low, high = sorted([a.pk, b.pk])
    return DuplicatePair.objects.create(
        cluster=cluster, entity="person", record_a=low, record_b=high, score=0.9, status=status
    )
