from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def make_order(workspace: Any) -> Callable[..., Any]:
    from rapport.sales.services import order_create

    def make(customer: Any, actor: Any = None, **data: Any) -> Any:
        from rapport.people.models import Person

        key = "person" if isinstance(customer, Person) else "organization"
        data.setdefault("ordered_at", "2024-03-01")
        data.setdefault("amount", "100.00")
        data.setdefault("currency", "EUR")
        return order_create(actor=actor or workspace.admin, data={key: customer, **data})

    return make
