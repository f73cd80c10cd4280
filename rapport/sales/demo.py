"""Demo orders: about two years of purchases drawn from the BG/NBD model.

Drawing from the model the app later fits gives the value pages real signal: repeat
buyers, one-off buyers and customers who lapsed, in believable proportions.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import numpy as np

from rapport.people.models import Organization, Person
from rapport.sales.models import Order, OrderLine, OrderStatus, Product
from rapport_analytics.clv import BGNBDParams, GammaGammaParams
from rapport_analytics.clv.simulate import simulate_transaction_log

DAYS = 730
PERSON_SHARE = 0.45
ORG_SHARE = 0.35
PRODUCTS = [
    ("Sourdough loaf", "BRD-001", "6.50"), ("Croissant box", "PST-004", "14.00"),
    ("Catering platter", "CAT-010", "120.00"), ("Coffee beans 1 kg", "COF-002", "24.00"),
    ("Celebration cake", "CAK-007", "48.00"), ("Weekly bread plan", "SUB-001", "30.00"),
    ("Baking class", "EDU-003", "85.00"), ("Gift hamper", "GFT-005", "65.00"),
]  # fmt: skip
BATCH = 2000


def _products() -> list[Product]:
    for name, sku, price in PRODUCTS:
        Product.objects.get_or_create(sku=sku, defaults={"name": name, "price": Decimal(price)})
    return list(Product.objects.filter(sku__in=[sku for _, sku, _ in PRODUCTS]))


def _orders_for(
    customer_ids: list[int], *, field: str, scale: float, rng: random.Random, today: dt.date,
    products: list[Product], currency: str,
) -> int:  # fmt: skip
    if not customer_ids:
        return 0
    log = simulate_transaction_log(
        BGNBDParams(r=0.35, alpha=5.0, a=0.7, b=2.6),
        GammaGammaParams(p=6.0, q=3.8, gamma=14.0),
        n_customers=len(customer_ids),
        cohort_days=DAYS - 30,
        observation_days=DAYS,
        rng=np.random.default_rng(rng.randrange(2**32)),
    )
    start = today - dt.timedelta(days=DAYS)
    owners = np.asarray(customer_ids)[np.asarray(log.customer_ids) - 1]
    orders, lines = [], []
    for number, (owner, day, amount) in enumerate(
        zip(owners.tolist(), log.days.tolist(), log.amounts.tolist(), strict=True)
    ):
        value = Decimal(str(round(max(amount, 1.0) * scale, 2)))
        status = OrderStatus.REFUNDED if rng.random() < 0.01 else OrderStatus.COMPLETED
        order = Order(
            **{f"{field}_id": owner},
            ordered_at=start + dt.timedelta(days=int(day)),
            amount=value,
            currency=currency,
            status=status,
            source="demo",
            external_ref=f"{field[:3]}-{owner}-{number}",
        )
        orders.append(order)
        lines.append((order, rng.choice(products), value))
    created = Order.objects.bulk_create(orders, batch_size=BATCH)
    if created and created[0].pk is not None:
        OrderLine.objects.bulk_create(
            [OrderLine(order=o, product=p, description=p.name, quantity=1, unit_price=v)
             for o, p, v in lines],
            batch_size=BATCH,
        )  # fmt: skip
    return len(created)


def seed_demo(*, rng: random.Random, people: int, stdout: Any) -> None:
    """Orders for a share of the people and organisations that have none yet."""
    today = dt.date.today()
    products = _products()
    with_orders = set(
        Order.objects.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    person_ids = [
        pk for pk in Person.objects.filter(deleted_at__isnull=True).values_list("id", flat=True)
        if pk not in with_orders and rng.random() < PERSON_SHARE
    ]  # fmt: skip
    org_with = set(
        Order.objects.filter(organization__isnull=False).values_list("organization_id", flat=True)
    )
    org_ids = [
        pk for pk in Organization.objects.filter(deleted_at__isnull=True).values_list("id", flat=True)
        if pk not in org_with and rng.random() < ORG_SHARE
    ]  # fmt: skip
    n = _orders_for(person_ids, field="person", scale=1.0, rng=rng, today=today,
                    products=products, currency="EUR")  # fmt: skip
    n += _orders_for(org_ids, field="organization", scale=8.0, rng=rng, today=today,
                     products=products, currency="EUR")  # fmt: skip
    stdout.write(
        f"Demo orders: {n:,} for {len(person_ids):,} people and {len(org_ids):,} organisations."
    )
