from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest


@pytest.fixture
def seeded(workspace: Any) -> dict[str, Any]:
    """60 North customers (rick's) and 40 South ones (sam's) with two years of orders.

    Ana is a frequent buyer who stopped 8 months ago; Bob buys every month.
    """
    from rapport.people.models import Person
    from rapport.people.services import organization_create
    from rapport.sales.models import Order

    rng = random.Random(3)
    today = dt.date.today()
    people = []
    for i in range(100):
        north = i < 60
        people.append(Person(first_name=f"C{i}", last_name="North" if north else "South",
                             owner=workspace.rep if north else workspace.other_rep,
                             team=workspace.north if north else workspace.south))  # fmt: skip
    people = Person.objects.bulk_create(people)
    ana = Person.objects.create(first_name="Ana", last_name="Lapsed", owner=workspace.rep,
                                team=workspace.north)  # fmt: skip
    bob = Person.objects.create(first_name="Bob", last_name="Loyal", owner=workspace.rep,
                                team=workspace.north)  # fmt: skip
    acme = organization_create(actor=workspace.rep, data={"name": "Acme", "team": workspace.north})
    orders = []
    for person in people:
        start = rng.randrange(0, 600)
        rate = rng.choice([0, 10, 30, 60, 120])
        day = start
        while day < 720:
            orders.append(Order(person=person, ordered_at=today - dt.timedelta(days=720 - day),
                                amount=rng.randrange(10, 200), currency="EUR"))  # fmt: skip
            if not rate:
                break
            day += max(1, int(rng.expovariate(1 / rate)))
    for k in range(12):
        orders.append(Order(person=ana, ordered_at=today - dt.timedelta(days=600 - k * 30),
                            amount=300, currency="EUR"))  # fmt: skip
    for k in range(24):
        orders.append(Order(person=bob, ordered_at=today - dt.timedelta(days=700 - k * 30),
                            amount=250, currency="EUR"))  # fmt: skip
    for k in range(6):
        orders.append(Order(organization=acme, ordered_at=today - dt.timedelta(days=400 - k * 60),
                            amount=2000, currency="EUR"))  # fmt: skip
    orders.append(Order(person=bob, ordered_at=today, amount=5, currency="USD"))
    Order.objects.bulk_create(orders)
    return {"people": people, "ana": ana, "bob": bob, "acme": acme}
