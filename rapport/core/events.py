"""Domain events with an outbox: how one app learns what happened in another.

A service calls ``emit(...)`` inside its transaction. That writes the change's audit
rows (the audit trail, and so the timeline, is a side effect of emitting) and one
``OutboxEvent`` row (so both exist if and only if the change commits), runs the in-transaction
subscribers at once (derived data that must stay consistent with the change: it rolls
back with it), and after the commit asks the worker to deliver the event to the
after-commit subscribers.

Delivery after the commit is at least once, in event-id order, per consumer: each
consumer has an ``EventCursor`` (the id of the last event it handled). A handler runs in
a transaction together with its cursor's advance, so its database effects happen once
even when a worker dies mid-dispatch; effects outside the database (a webhook) may be
repeated and should use ``event.pk`` as their idempotency key. A handler that raises
stops its consumer at that event (later events wait, so a record's order is kept) and
the periodic dispatch tries again.

Payloads carry ids and field names, never personal data: subscribers read the current
state through selectors. Subscribers register in their ``AppConfig.ready()``.
See docs/events.md.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from rapport.core.audit import audit_record, audit_record_rows
from rapport.core.models import AuditAction, EventCursor, OutboxEvent

logger = logging.getLogger(__name__)

Phase = Literal["in_transaction", "after_commit"]
Handler = Callable[[OutboxEvent], None]
DISPATCH_BATCH = 500


@dataclass
class Consumer:
    """An after-commit subscriber: one handler, one cursor, the event names it follows."""

    name: str
    handler: Handler
    events: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Audit:
    """The audit row an event writes for one of its records, when the rows differ."""

    entity_id: int
    action: AuditAction | str
    changes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


_in_transaction: dict[str, list[Handler]] = defaultdict(list)
_consumers: dict[str, Consumer] = {}


def _default_consumer_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(
    name: str, handler: Handler, *, phase: Phase = "in_transaction", consumer: str | None = None
) -> None:
    """Call ``handler(event)`` for every event called ``name``.

    ``in_transaction``: at once, inside the emitting transaction (an exception undoes the
    change). ``after_commit``: later, from the worker, at least once; ``consumer`` names
    the cursor (default: the handler's dotted name; keep it stable, it is stored).
    Registering the same handler twice is harmless (``ready()`` may run twice in tests).
    """
    if phase == "in_transaction":
        if handler not in _in_transaction[name]:
            _in_transaction[name].append(handler)
        return
    if phase != "after_commit":
        raise ValueError(f"Unknown phase {phase!r}: use 'in_transaction' or 'after_commit'.")
    key = consumer or _default_consumer_name(handler)
    existing = _consumers.get(key)
    if existing is not None and existing.handler is not handler:
        raise ValueError(f"Consumer {key!r} is already registered with another handler.")
    _consumers.setdefault(key, Consumer(key, handler)).events.add(name)


def unsubscribe(name: str, handler: Handler) -> None:
    """Undo ``subscribe`` (for tests); a consumer left with no events is forgotten."""
    if handler in _in_transaction.get(name, []):
        _in_transaction[name].remove(handler)
    for key, consumer in list(_consumers.items()):
        if consumer.handler is handler:
            consumer.events.discard(name)
            if not consumer.events:
                del _consumers[key]


def consumers_of(name: str) -> list[Consumer]:
    return sorted((c for c in _consumers.values() if name in c.events), key=lambda c: c.name)


def emit(
    name: str,
    *,
    entity_type: str,
    entity_ids: Iterable[int],
    actor: Any = None,
    fields: Iterable[str] | None = None,
    changes: Mapping[str, Any] | None = None,
    audit: AuditAction | str | Sequence[Audit] | None = None,
) -> OutboxEvent:
    """Record that ``name`` happened to these records, in the caller's transaction.

    ``changes``: the change as ``{field: [old, new]}``. Its values go to the audit row and
    to in-transaction subscribers (``event.changes``), never to the outbox; its keys are
    the event's ``fields`` unless ``fields`` names them (names only, never values).
    ``audit``: an action writes one audit row per record, each with ``changes``; a list
    of ``Audit`` writes those rows (records audited differently: a merge, a bulk edit);
    None writes none (the change is not audited).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() belongs inside the transaction of the change it reports.")
    ids = list(dict.fromkeys(int(i) for i in entity_ids))
    if not ids:
        raise ValueError("An event names at least one record.")
    _audit(actor=actor, entity_type=entity_type, ids=ids, audit=audit, changes=changes or {})
    now = timezone.now()
    followed = bool(consumers_of(name))
    event = OutboxEvent.objects.create(
        name=name,
        entity_type=entity_type,
        entity_ids=ids,
        actor_id=getattr(actor, "pk", None),
        fields=sorted(set((changes or {}) if fields is None else fields)),
        created_at=now,
        dispatched_at=None if followed else now,
    )
    event.changes = MappingProxyType(dict(changes or {}))
    for handler in list(_in_transaction.get(name, [])):
        handler(event)
    if followed:
        _dispatch_after_commit()
    return event


def _audit(
    *, actor: Any, entity_type: str, ids: list[int], audit: AuditAction | str | Sequence[Audit]
    | None, changes: Mapping[str, Any],
) -> None:  # fmt: skip
    if audit is None:
        return
    if isinstance(audit, str):
        if len(ids) == 1:
            audit_record(actor=actor, action=audit, entity_type=entity_type, entity_id=ids[0],
                         changes=changes)  # fmt: skip
            return
        rows = [(pk, audit, changes) for pk in ids]
    else:
        rows = [(row.entity_id, row.action, row.changes) for row in audit]
    audit_record_rows(actor=actor, entity_type=entity_type, rows=rows)


def _dispatch_after_commit() -> None:
    """One dispatch per atomic block, however many events it emitted."""
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if any(
        sids == here and func is _enqueue_dispatch for sids, func, _ in connection.run_on_commit
    ):
        return
    # robust: a queue that cannot be reached must not fail a request whose change is
    # committed; the periodic dispatch delivers the event instead.
    transaction.on_commit(_enqueue_dispatch, robust=True)


def _enqueue_dispatch() -> None:
    from rapport.core.tasks import dispatch_events_task

    dispatch_events_task()


def dispatch_events(*, batch: int = DISPATCH_BATCH) -> int:
    """Deliver every event after its consumers' cursors; returns how many deliveries ran.

    Safe to run twice at once (from the task and the periodic job): each delivery
    re-reads its cursor under a lock and skips what another dispatcher already did.
    """
    delivered = sum(
        _deliver(consumer, batch) for consumer in sorted(_consumers.values(), key=lambda c: c.name)
    )
    _mark_dispatched(batch)
    return delivered


def _deliver(consumer: Consumer, batch: int) -> int:
    done = 0
    while True:
        cursor, _ = EventCursor.objects.get_or_create(consumer=consumer.name)
        events = list(
            OutboxEvent.objects.filter(
                id__gt=cursor.last_event_id, name__in=sorted(consumer.events)
            ).order_by("id")[:batch]
        )
        for event in events:
            try:
                with transaction.atomic():
                    row = EventCursor.objects.select_for_update().get(consumer=consumer.name)
                    if row.last_event_id >= event.pk:
                        continue  # another dispatcher delivered it meanwhile
                    consumer.handler(event)
                    EventCursor.objects.filter(consumer=consumer.name).update(
                        last_event_id=event.pk, updated_at=timezone.now()
                    )
            except Exception:
                # Stop here: later events wait, so a record's events stay in order.
                logger.exception(
                    "Consumer %s failed on event %s; will retry.", consumer.name, event.pk
                )
                return done
            done += 1
        if len(events) < batch:
            return done


def _mark_dispatched(batch: int) -> None:
    """Stamp events every consumer following their name has handled."""
    cursors = dict(EventCursor.objects.values_list("consumer", "last_event_id"))
    while True:
        pending = list(
            OutboxEvent.objects.filter(dispatched_at__isnull=True)
            .order_by("id")
            .values_list("id", "name")[:batch]
        )
        ready = [
            pk
            for pk, name in pending
            if all(cursors.get(c.name, 0) >= pk for c in consumers_of(name))
        ]
        if ready:
            OutboxEvent.objects.filter(pk__in=ready).update(dispatched_at=timezone.now())
        if len(pending) < batch or not ready:
            return
