"""Orders on the person and organisation timelines (``rapport.activities.timeline``).

An order has a date, not a time: it sits at noon UTC of its day on the timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from rapport.core.entities import entity_of
from rapport.sales.models import Order

SOURCE = "orders"


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _older_than(before: Any) -> Q:
    """Orders strictly before the cursor in the timeline's (time, source, key) order."""
    if before is None:
        return Q()
    moment = before.occurred_at.astimezone(dt.UTC)
    day = moment.date()
    noon = _noon(day)
    if noon < moment or (noon == moment and before.source > SOURCE):
        return Q(ordered_at__lte=day)
    if noon > moment or before.source < SOURCE:
        return Q(ordered_at__lt=day)
    return Q(ordered_at__lt=day) | Q(ordered_at=day, id__lt=before.key)


def order_items(*, record: Any, user: Any, before: Any, limit: int) -> Iterable[Any]:
    from rapport.activities.timeline import TimelineItem

    field = entity_of(record).key
    orders = (
        Order.objects.filter(_older_than(before), **{field: record})
        .order_by("-ordered_at", "-id")
        .prefetch_related("lines")[:limit]
    )
    url = reverse("sales:order_list") + f"?{field}={record.pk}"
    for order in orders:
        lines = order.lines.all()
        body = format_html(
            "{} line(s){}",
            len(lines),
            f" · {order.get_status_display()}" if order.status != "completed" else "",
        )
        yield TimelineItem(
            occurred_at=_noon(order.ordered_at),
            kind="order",
            title=f"Order of {order.amount} {order.currency}",
            body_html=body,
            url=url,
            icon="•",
            source=SOURCE,
            key=order.pk,
            extra={"external_ref": order.external_ref},
        )


def register_orders_source(register: Callable[..., None]) -> None:
    for entity in ("person", "organization"):
        register(entity, order_items, kinds=("order",), labels={"order": "Orders"})
