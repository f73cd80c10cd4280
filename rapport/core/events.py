"""Domain events with an outbox: how one app learns what happened in another.

A service calls ``emit(...)`` inside its transaction. That writes one ``OutboxEvent`` row
(so the event exists if and only if the change commits), runs the in-transaction
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from rapport.core.models import EventCursor, OutboxEvent

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
    fields: Iterable[str] = (),
) -> OutboxEvent:
    """Record that ``name`` happened to these records, in the caller's transaction.

    ``fields``: the names of the fields that changed (never their values).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() belongs inside the transaction of the change it reports.")
    ids = list(dict.fromkeys(int(i) for i in entity_ids))
    if not ids:
        raise ValueError("An event names at least one record.")
    now = timezone.now()
    followed = bool(consumers_of(name))
    event = OutboxEvent.objects.create(
        name=name,
        entity_type=entity_type,
        entity_ids=ids,
        actor_id=getattr(actor, "pk", None),
        fields=sorted(set(fields)),
        created_at=now,
        dispatched_at=None if followed else now,
    )
    for handler in list(_in_transaction.get(name, [])):
        handler(event)
    if followed:
        _dispatch_after_commit()
    return event


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
