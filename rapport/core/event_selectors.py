"""Reading the outbox for integrations: a page of events the user may see.

Which records a user may see is each app's business: an app registers, per entity type,
a function that keeps the ids the user may see (``register_event_visibility``). Events
of an entity type nobody registered are shown to admins only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from rapport.core.models import OutboxEvent

VisibleIds = Callable[[object, list[int]], set[int]]
_visibility: dict[str, VisibleIds] = {}
SCAN_ROUNDS = 20  # pages of hidden events read before answering with fewer rows
CHUNK = 900  # ids per visibility query (SQLite's parameter limit stays far away)


def register_event_visibility(entity_type: str, visible_ids: VisibleIds) -> None:
    _visibility[entity_type] = visible_ids


@dataclass
class EventRow:
    """An event as the caller may see it: ``entity_ids`` cut to the records they may see."""

    event: OutboxEvent
    entity_ids: list[int]


@dataclass
class EventPage:
    rows: list[EventRow]
    last_id: int | None  # where the next page starts, or None at the end


def _names_record(entity_id: int) -> RawSQL:
    table = OutboxEvent._meta.db_table
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611 -- our table name, the value a parameter
            f'"{table}"."entity_ids" @> %s::jsonb',
            [json.dumps([entity_id])],
            output_field=BooleanField(),
        )
    return RawSQL(  # noqa: S611 -- our table name, the value a parameter
        f'EXISTS (SELECT 1 FROM json_each("{table}"."entity_ids") WHERE value = %s)',  # noqa: S608
        [entity_id],
        output_field=BooleanField(),
    )


def event_filter(
    *, after: int = 0, name: str | None = None, entity_type: str | None = None,
    entity_id: int | None = None,
) -> QuerySet[OutboxEvent]:  # fmt: skip
    qs = OutboxEvent.objects.filter(id__gt=after).order_by("id")
    if name:
        qs = qs.filter(name=name)
    if entity_type:
        qs = qs.filter(entity_type=entity_type)
    if entity_id is not None:
        qs = qs.filter(_names_record(entity_id))
    return qs


def _visible(user: object, entity_type: str, ids: Iterable[int]) -> set[int]:
    wanted = sorted(set(ids))
    if getattr(user, "is_admin", False) and getattr(user, "is_active", False):
        return set(wanted)
    check = _visibility.get(entity_type)
    if check is None:
        return set()
    seen: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        seen |= check(user, wanted[start : start + CHUNK])
    return seen


def event_page(
    *, user: object, limit: int, after: int = 0, name: str | None = None,
    entity_type: str | None = None, entity_id: int | None = None,
) -> EventPage:  # fmt: skip
    """Up to ``limit`` events after id ``after`` naming at least one record ``user`` may
    see (hidden ids are left out of each event). ``last_id`` is the cursor for the next
    page; it moves past hidden events too, so a page may hold fewer than ``limit``."""
    rows: list[EventRow] = []
    cursor = after
    for _ in range(SCAN_ROUNDS):
        batch = list(event_filter(after=cursor, name=name, entity_type=entity_type,
                                  entity_id=entity_id)[: limit - len(rows) + 1])  # fmt: skip
        more = len(batch) > limit - len(rows)
        batch = batch[: limit - len(rows)]
        by_type: dict[str, set[int]] = {}
        for event in batch:
            by_type.setdefault(event.entity_type, set()).update(event.entity_ids)
        visible = {t: _visible(user, t, ids) for t, ids in by_type.items()}
        for event in batch:
            ids = [i for i in event.entity_ids if i in visible[event.entity_type]]
            if entity_id is not None:
                ids = [i for i in ids if i == entity_id]
            if ids:
                rows.append(EventRow(event, ids))
        if batch:
            cursor = batch[-1].pk
        if not more:
            return EventPage(rows, None)
        if len(rows) >= limit:
            break
    return EventPage(rows, cursor)
