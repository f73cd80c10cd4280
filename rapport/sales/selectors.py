"""Reads for orders. A user sees an order exactly when they see its (live) customer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.core.entities import entity_of
from rapport.core.errors import NotFound, ValidationFailed
from rapport.core.params import id_or_none
from rapport.people.models import Organization, Person
from rapport.sales.models import Order, OrderStatus

ORDER_SORTS: dict[str, list[str]] = {
    "-date": ["-ordered_at", "-id"],
    "date": ["ordered_at", "id"],
}


def visible_orders(user: User | None) -> QuerySet[Order]:
    """Orders of live customers ``user`` may see (``None``: the system, all of them)."""
    people: QuerySet[Person] = Person.objects.filter(deleted_at__isnull=True)
    orgs: QuerySet[Organization] = Organization.objects.filter(deleted_at__isnull=True)
    if user is not None:
        people, orgs = visible_to(people, user), visible_to(orgs, user)
    return Order.objects.filter(
        Q(person__in=people.values("pk")) | Q(organization__in=orgs.values("pk"))
    )


@dataclass
class OrderFilter:
    person: int | None = None
    organization: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""
    currency: str = ""
    sort: str = "-date"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> OrderFilter:
        errors: dict[str, list[str]] = {}

        def number(name: str) -> int | None:
            raw = str(params.get(name) or "").strip()
            if not raw:
                return None
            number = id_or_none(raw)
            if number is None:
                errors[name] = [f"{raw[:40]!r} is not a valid id."]
            return number

        def date(name: str) -> dt.date | None:
            raw = str(params.get(name) or "").strip()
            if not raw:
                return None
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                errors[name] = [f"{raw!r} is not a date as YYYY-MM-DD."]
                return None

        flt = cls(
            person=number("person"),
            organization=number("organization"),
            date_from=date("date_from"),
            date_to=date("date_to"),
            status=str(params.get("status") or "").strip(),
            currency=str(params.get("currency") or "").strip().upper(),
            sort=str(params.get("sort") or "-date"),
        )
        if flt.status and flt.status not in OrderStatus.values:
            errors["status"] = [f"Must be one of: {', '.join(OrderStatus.values)}."]
        if flt.sort not in ORDER_SORTS:
            errors["sort"] = [f"Sort by one of: {', '.join(ORDER_SORTS)}."]
        if errors:
            raise ValidationFailed(errors)
        return flt


def order_list(*, user: User, flt: OrderFilter) -> QuerySet[Order]:
    qs = visible_orders(user)
    if flt.person is not None:
        qs = qs.filter(person_id=flt.person)
    if flt.organization is not None:
        qs = qs.filter(organization_id=flt.organization)
    if flt.date_from is not None:
        qs = qs.filter(ordered_at__gte=flt.date_from)
    if flt.date_to is not None:
        qs = qs.filter(ordered_at__lte=flt.date_to)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.currency:
        qs = qs.filter(currency=flt.currency)
    return qs.select_related("person", "organization").order_by(*ORDER_SORTS[flt.sort])


def order_detail(*, user: User, pk: int) -> Order:
    order = (
        visible_orders(user)
        .select_related("person", "organization", "created_by")
        .prefetch_related("lines__product")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFound("No such order, or you may not see it.")
    return order


@dataclass(frozen=True)
class OrderTotals:
    count: int
    by_currency: list[tuple[str, Any]]


def customer_orders(
    *, customer: Person | Organization, limit: int = 10
) -> tuple[list[Order], OrderTotals]:
    """The latest orders of a customer the caller already has access to, and totals."""
    qs = Order.objects.filter(**{entity_of(customer).key: customer}).order_by("-ordered_at", "-id")
    totals = (
        qs.exclude(status__in=[OrderStatus.CANCELLED, OrderStatus.REFUNDED])
        .order_by()
        .values("currency")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("-total")
    )
    rows = list(totals)
    return list(qs[:limit]), OrderTotals(
        count=qs.count(), by_currency=[(r["currency"], r["total"]) for r in rows]
    )
