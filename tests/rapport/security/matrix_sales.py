"""Sales routes: orders list, CSV upload, the orders panels, and /orders.

An order is visible with its customer: the world's order belongs to rick's person.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rapport.sales.models import Order
from tests.rapport.security.matrix import (
    EDITS_RECORD,
    EVERYONE,
    SEES_RECORD,
    WRITERS,
    Case,
    World,
)


def extend_world(world: World) -> None:
    world.extra["order"] = Order.objects.create(
        person=world.person, ordered_at=dt.date(2024, 5, 1), amount=Decimal("10"), currency="EUR"
    )


def _order_gone(w: World) -> bool:
    return not Order.objects.filter(pk=w.extra["order"].pk).exists()


PAGES: dict[str, list[Case]] = {
    "sales:order_list": [Case("GET", frozenset(EVERYONE))],
    "sales:order_import": [
        Case("GET", frozenset(EVERYONE)),
        # No file: the form comes back with an error (422) for writers; viewers are refused.
        Case("POST", frozenset(WRITERS), data=lambda w: {"customer_key": "email"}),
    ],
    "sales:person_orders_panel": [
        Case("GET", frozenset(SEES_RECORD), kwargs=lambda w: {"pk": w.person.pk})
    ],
    "sales:organization_orders_panel": [
        Case("GET", frozenset(SEES_RECORD), kwargs=lambda w: {"pk": w.org.pk})
    ],
}

API: dict[tuple[str, str], Case] = {
    ("GET", "/orders"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/orders"): Case(
        "POST",
        frozenset(EDITS_RECORD),
        data=lambda w: {
            "person_id": w.person.pk,
            "ordered_at": "2024-06-01",
            "amount": "5",
            "currency": "EUR",
        },
    ),
    ("GET", "/orders/{order_id}"): Case("GET", frozenset(SEES_RECORD)),
    ("PATCH", "/orders/{order_id}"): Case(
        "PATCH", frozenset(EDITS_RECORD), data=lambda w: {"note": "checked"}
    ),
    ("DELETE", "/orders/{order_id}"): Case("DELETE", frozenset(EDITS_RECORD), effect=_order_gone),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {"order_id": world.extra["order"].pk}
