"""Lifecycle stages for the recompute: read orders, compute, store only what changed.

The rules are ``rapport_analytics.lifecycle``'s; this adapter reads every live person's
purchase days (any currency: the stage counts orders, not money) and the latest P(alive)
as arrays, compares the replayed stages with what the last computation stored
(``PersonLifecycle``) and writes the new transitions, the changed rows and
``Person.lifecycle_stage`` in one transaction, with plain ``executemany`` and set-wise
UPDATEs. People without orders are left as they are (a workspace that keeps no orders
keeps the stages its users set).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from rapport.core.events import emit
from rapport.insights.models import (
    CustomerScore,
    InsightsSettings,
    LifecycleSource,
    LifecycleTransition,
    ModelRun,
    PersonLifecycle,
    RunStatus,
)
from rapport.people.models import Person
from rapport.sales.models import PURCHASE_STATUSES, Order
from rapport_analytics.lifecycle import STAGES, Thresholds, changes, current, replay

log = logging.getLogger(__name__)

BATCH = 5000
EPOCH = dt.date(1970, 1, 1)
CODES = {name: code for code, name in enumerate(STAGES)}
TRANSITION_COLUMNS = ("person_id", "from_stage", "to_stage", "on", "source", "reason",
                      "actor_id", "created_at")  # fmt: skip
STATE_COLUMNS = ("person_id", "computed_stage", "computed_since", "since", "overridden",
                 "updated_at")  # fmt: skip


@dataclass(frozen=True)
class LifecycleResult:
    customers: int
    transitions: int
    people_changed: int
    seconds: float


def lifecycle_thresholds() -> Thresholds:
    configured: dict[str, Any] = settings.RAPPORT["LIFECYCLE"]
    return Thresholds(
        repeat_orders=int(configured["repeat_orders"]),
        loyal_orders=int(configured["loyal_orders"]),
        loyal_within_days=int(configured["loyal_within_days"]),
        at_risk_factor=float(configured["at_risk_factor"]),
        first_interval_days=int(configured["first_interval_days"]),
        lapsed_days=int(configured["lapsed_days"]),
        at_risk_p_alive=float(InsightsSettings.current().at_risk_p_alive),
    )


def _day(value: dt.date) -> int:
    return (value - EPOCH).days


def _date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def _arrays(rows: Any, convert_second: Any = None) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    first: list[Any] = []
    second: list[Any] = []
    for a, b in rows:
        first.append(a)
        second.append(b if convert_second is None else convert_second(b))
    return np.asarray(first, dtype=np.int64), np.asarray(second)


def _person_orders() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    rows = (
        Order.objects.filter(
            person__isnull=False, person__deleted_at__isnull=True, status__in=PURCHASE_STATUSES
        )
        .order_by()
        .values_list("person_id", "ordered_at")
        .iterator(chunk_size=BATCH)
    )
    people, days = _arrays(rows, _day)
    return people, days.astype(np.int64)


def _p_alive() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    rows = (
        CustomerScore.objects.filter(is_latest=True, person__isnull=False)
        .order_by()
        .values_list("person_id", "p_alive")
        .iterator(chunk_size=BATCH)
    )
    people, values = _arrays(rows)
    return people, values.astype(np.float64)


def _stored() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    people: list[int] = []
    stages: list[int] = []
    since: list[int] = []
    rows = PersonLifecycle.objects.order_by().values_list(
        "person_id", "computed_stage", "computed_since"
    )
    for person_id, stage, day in rows.iterator(chunk_size=BATCH):
        people.append(person_id)
        stages.append(CODES.get(stage, 0))
        since.append(_day(day))
    return (np.asarray(people, dtype=np.int64), np.asarray(stages, dtype=np.int8),
            np.asarray(since, dtype=np.int64))  # fmt: skip


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                # Table and column names are this module's constants, not input.
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                rows[start : start + BATCH],
            )


def _overridden_stages(people: list[int]) -> dict[int, str]:
    """The stage in force for the changed people whose stage was set by hand."""
    overridden = PersonLifecycle.objects.filter(overridden=True).values_list("person_id", flat=True)
    ids = sorted(set(overridden) & set(people))
    result: dict[int, str] = {}
    for start in range(0, len(ids), BATCH):
        result.update(
            Person.objects.filter(pk__in=ids[start : start + BATCH]).values_list(
                "pk", "lifecycle_stage"
            )
        )
    return result


@transaction.atomic
def _store(found: Any, as_of: dt.date) -> int:
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    people = found.customers.tolist()
    in_force = _overridden_stages(sorted(set(people)))
    rows: list[tuple[Any, ...]] = []
    seen: set[int] = set()
    for person_id, day, before, after in zip(people, found.days.tolist(), found.previous.tolist(),
                                             found.stages.tolist(), strict=True):  # fmt: skip
        from_stage = STAGES[before]
        if person_id not in seen:  # the first new transition starts from the stage in force
            seen.add(person_id)
            from_stage = in_force.get(person_id, from_stage)
            if from_stage == STAGES[after]:  # set by hand to what the computation now finds
                continue
        rows.append((person_id, from_stage, STAGES[after], ops.adapt_datefield_value(_date(day)),
                     LifecycleSource.COMPUTED.value, "", None, now))  # fmt: skip
    _insert(LifecycleTransition._meta.db_table, TRANSITION_COLUMNS, rows)

    keys, stages, since = current(found)
    changed = keys.tolist()
    for start in range(0, len(changed), BATCH):
        PersonLifecycle.objects.filter(person_id__in=changed[start : start + BATCH]).delete()
    states = [
        (person_id, STAGES[stage], ops.adapt_datefield_value(_date(day)),
         ops.adapt_datefield_value(_date(day)), False, now)
        for person_id, stage, day in zip(changed, stages.tolist(), since.tolist(), strict=True)
    ]  # fmt: skip
    _insert(PersonLifecycle._meta.db_table, STATE_COLUMNS, states)
    by_stage: dict[str, list[int]] = defaultdict(list)
    for person_id, stage in zip(changed, stages.tolist(), strict=True):
        by_stage[STAGES[stage]].append(person_id)
    for stage_name, ids in by_stage.items():
        for start in range(0, len(ids), BATCH):
            Person.objects.filter(pk__in=ids[start : start + BATCH]).exclude(
                lifecycle_stage=stage_name
            ).update(lifecycle_stage=stage_name)
    if changed:
        emit("person.lifecycle_changed", entity_type="person", entity_ids=changed,
             fields=["lifecycle_stage"])  # fmt: skip
    return len(changed)


def lifecycle_recompute(*, as_of: dt.date | None = None) -> LifecycleResult:
    """Compute every customer's stage on ``as_of`` (today) and store what changed."""
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    thresholds = lifecycle_thresholds()
    people, days = _person_orders()
    events = replay(people, days, as_of=_day(as_of), thresholds=thresholds)
    p_people, p_alive = _p_alive()
    stored_people, stored_stages, stored_since = _stored()
    found = changes(
        events, as_of=_day(as_of), p_alive_customers=p_people, p_alive=p_alive,
        stored_customers=stored_people, stored_stages=stored_stages,
        stored_since=stored_since, thresholds=thresholds,
    )  # fmt: skip
    changed = _store(found, as_of) if len(found) else 0
    return LifecycleResult(
        customers=len(np.unique(events.customers)),
        transitions=len(found),
        people_changed=changed,
        seconds=round(time.perf_counter() - started, 3),
    )


def lifecycle_after_recompute(run: ModelRun) -> None:
    """The recompute's last step; a failure is logged and noted on a finished run."""
    try:
        result = lifecycle_recompute()
    except Exception as exc:  # the scores are stored already; the stages wait for the next run
        log.exception("lifecycle stages after run %s failed", run.pk)
        if run.status == RunStatus.DONE:
            run.message = f"Lifecycle stages were not updated: {exc}"[:300]
        return
    log.info("lifecycle: %s", result)
