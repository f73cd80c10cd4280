"""Lifecycle stages computed from a customer's order days, and their transitions over time.

Days are whole numbers (days since any fixed epoch). A customer's orders count once per
distinct day. For a customer whose order days are d_1 < … < d_n, on day t ≥ d_1, with
k orders on or before t (the last one d_k) and gap = t − d_k:

- usual interval: (d_k − d_1) / (k − 1) when k ≥ 2, else ``first_interval_days``;
- at risk after: ``at_risk_factor`` × usual interval days without an order;
- lapsed after: the larger of ``lapsed_days`` and "at risk after" (never lapsed
  before at risk could start);

and the stage is the first rule that holds:

1. **lapsed**: gap > lapsed after;
2. **at risk**: gap > at risk after;
3. **won back**: k ≥ 2 and the customer was lapsed on the eve of order k
   (d_k − d_{k−1} > lapsed after, counted with the first k − 1 orders);
4. **loyal**: k ≥ ``loyal_orders`` and gap ≤ ``loyal_within_days``;
5. **repeat**: k ≥ ``repeat_orders``;
6. **customer** (first-time customer).

A customer without orders is a **prospect**. On the day of the computation only (it is
not known for past days), a customer in stages 3–6 whose P(alive) is below
``at_risk_p_alive`` is **at risk** as well.

``replay`` turns every customer's orders into the dated stage sequence (a stage changes
on an order day, or on the first day a gap rule above holds); ``changes`` compares it
with what was stored by the last computation and returns only the new transitions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Codes are indexes into STAGES; the names are the app's stage values.
STAGES = ("prospect", "customer", "repeat", "loyal", "at_risk", "lapsed", "won_back")
PROSPECT, CUSTOMER, REPEAT, LOYAL, AT_RISK, LAPSED, WON_BACK = range(len(STAGES))
ACTIVE = (CUSTOMER, REPEAT, LOYAL, WON_BACK)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Thresholds:
    repeat_orders: int = 2
    loyal_orders: int = 5
    loyal_within_days: int = 180
    at_risk_factor: float = 2.0
    first_interval_days: int = 90
    lapsed_days: int = 365
    at_risk_p_alive: float = 0.5


@dataclass(frozen=True)
class Events:
    """Dated stages, sorted by customer then day; each differs from the one before it."""

    customers: IntArray
    days: IntArray
    stages: npt.NDArray[np.int8]
    previous: npt.NDArray[np.int8]  # the stage before (prospect for a customer's first)

    def __len__(self) -> int:
        return len(self.customers)

    def take(self, mask: npt.NDArray[np.bool_]) -> Events:
        return Events(self.customers[mask], self.days[mask], self.stages[mask], self.previous[mask])


def _classify(
    k: IntArray, gap: IntArray, interval: FloatArray, won: npt.NDArray[np.bool_], th: Thresholds
) -> npt.NDArray[np.int8]:
    risk_after = th.at_risk_factor * interval
    lapse_after = np.maximum(float(th.lapsed_days), risk_after)
    stage = np.where(k >= th.repeat_orders, REPEAT, CUSTOMER)
    stage = np.where((k >= th.loyal_orders) & (gap <= th.loyal_within_days), LOYAL, stage)
    stage = np.where(won, WON_BACK, stage)
    stage = np.where(gap > risk_after, AT_RISK, stage)
    stage = np.where(gap > lapse_after, LAPSED, stage)
    return stage.astype(np.int8)


def _without_repeats(customers: IntArray, days: IntArray, stages: npt.NDArray[np.int8],
                     before: npt.NDArray[np.int8]) -> Events:  # fmt: skip
    """Drop each event whose stage equals the one before it (``before`` for a first one)."""
    first = np.ones(len(customers), dtype=bool)
    first[1:] = customers[1:] != customers[:-1]
    previous = np.empty_like(stages)
    previous[1:] = stages[:-1]
    previous[first] = before[first]
    keep = stages != previous
    # A dropped event's successor compares with the dropped one, which has the same stage
    # as the last kept one: runs collapse to their first event.
    return Events(customers[keep], days[keep], stages[keep], previous[keep])


def replay(
    customers: npt.ArrayLike, days: npt.ArrayLike, *, as_of: int, thresholds: Thresholds
) -> Events:
    """Every customer's stage sequence from their orders, up to and including ``as_of``.

    ``customers`` and ``days`` are one entry per order (any order, repeats allowed);
    orders after ``as_of`` are ignored. The first event of a customer is their first order.
    """
    th = thresholds
    cust = np.asarray(customers, dtype=np.int64)
    day = np.asarray(days, dtype=np.int64)
    keep = day <= as_of
    cust, day = cust[keep], day[keep]
    order = np.lexsort((day, cust))
    cust, day = cust[order], day[order]
    distinct = np.ones(len(cust), dtype=bool)
    distinct[1:] = (cust[1:] != cust[:-1]) | (day[1:] != day[:-1])
    cust, day = cust[distinct], day[distinct]
    n = len(cust)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Events(empty, empty, empty.astype(np.int8), empty.astype(np.int8))
    first = np.ones(n, dtype=bool)
    first[1:] = cust[1:] != cust[:-1]
    start = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    k = np.arange(n) - start[group] + 1
    first_day = day[start[group]]
    interval = np.where(
        k >= 2, (day - first_day) / np.maximum(k - 1, 1), float(th.first_interval_days)
    )
    previous_day = np.where(first, day, np.roll(day, 1))
    previous_interval = np.where(first, interval, np.roll(interval, 1))
    previous_lapse = np.maximum(float(th.lapsed_days), th.at_risk_factor * previous_interval)
    won = (~first) & ((day - previous_day) > previous_lapse)
    last = np.ones(n, dtype=bool)
    last[:-1] = cust[1:] != cust[:-1]
    # An order's stage lasts until the next order, or past as_of for the last one.
    until = np.where(last, as_of + 1, np.roll(day, -1))

    risk_after = th.at_risk_factor * interval
    candidates = [np.zeros(n, dtype=np.int64)]  # the order day itself
    for after in (
        np.full(n, float(th.loyal_within_days)),
        risk_after,
        np.maximum(float(th.lapsed_days), risk_after),
    ):
        candidates.append(np.floor(after).astype(np.int64) + 1)
    all_cust, all_day, all_stage, all_rank = [], [], [], []
    for rank, gap in enumerate(candidates):
        at = day + gap
        inside = at < until
        all_cust.append(cust[inside])
        all_day.append(at[inside])
        all_rank.append(np.full(int(inside.sum()), rank, dtype=np.int8))
        all_stage.append(_classify(k[inside], gap[inside], interval[inside], won[inside], th))
    ev_cust = np.concatenate(all_cust)
    ev_day = np.concatenate(all_day)
    ev_stage = np.concatenate(all_stage)
    order = np.lexsort((np.concatenate(all_rank), ev_day, ev_cust))
    ev_cust, ev_day, ev_stage = ev_cust[order], ev_day[order], ev_stage[order]
    before = np.full(len(ev_cust), PROSPECT, dtype=np.int8)
    return _without_repeats(ev_cust, ev_day, ev_stage, before)


def current(events: Events) -> tuple[IntArray, npt.NDArray[np.int8], IntArray]:
    """Each customer's last event: (customers, stages, since days), by customer."""
    if not len(events):
        return events.customers, events.stages, events.days
    last = np.ones(len(events), dtype=bool)
    last[:-1] = events.customers[1:] != events.customers[:-1]
    return events.customers[last], events.stages[last], events.days[last]


def changes(
    events: Events,
    *,
    as_of: int,
    p_alive_customers: npt.ArrayLike,
    p_alive: npt.ArrayLike,
    stored_customers: npt.ArrayLike,
    stored_stages: npt.ArrayLike,
    stored_since: npt.ArrayLike,
    thresholds: Thresholds,
) -> Events:
    """The transitions to add to what the last computation stored.

    ``events`` is ``replay(...)`` up to ``as_of``. The stored state is each customer's last
    computed stage and its day (customers never stored start as prospects); only events
    after that day count, so history already stored is not written again. P(alive) (for
    the customers that have one) may make an active customer at risk on ``as_of``; when it
    rises again the replayed stage returns on ``as_of``.
    """
    th = thresholds
    customers, stages, _ = current(events)
    final = stages.copy()
    p_cust = np.asarray(p_alive_customers, dtype=np.int64)
    p_value = np.asarray(p_alive, dtype=np.float64)
    p_order = np.argsort(p_cust, kind="stable")
    p_cust, p_value = p_cust[p_order], p_value[p_order]
    at = np.clip(np.searchsorted(p_cust, customers), 0, max(len(p_cust) - 1, 0))
    known = (p_cust[at] == customers) if len(p_cust) else np.zeros(len(customers), dtype=bool)
    unlikely = known & (p_value[at] < th.at_risk_p_alive) if len(p_cust) else known
    final[unlikely & np.isin(stages, ACTIVE)] = AT_RISK

    s_cust = np.asarray(stored_customers, dtype=np.int64)
    s_order = np.argsort(s_cust, kind="stable")
    s_cust = s_cust[s_order]
    s_stage = np.asarray(stored_stages, dtype=np.int8)[s_order]
    s_since = np.asarray(stored_since, dtype=np.int64)[s_order]

    def stored_for(keys: IntArray) -> tuple[npt.NDArray[np.int8], IntArray]:
        if not len(s_cust):
            return (np.full(len(keys), PROSPECT, dtype=np.int8),
                    np.full(len(keys), np.iinfo(np.int64).min, dtype=np.int64))  # fmt: skip
        at = np.clip(np.searchsorted(s_cust, keys), 0, len(s_cust) - 1)
        found = s_cust[at] == keys
        return (np.where(found, s_stage[at], PROSPECT).astype(np.int8),
                np.where(found, s_since[at], np.iinfo(np.int64).min))  # fmt: skip

    _, since = stored_for(events.customers)
    newer = events.days > since
    all_cust = np.concatenate([events.customers[newer], customers])
    all_day = np.concatenate([events.days[newer], np.full(len(customers), as_of, dtype=np.int64)])
    all_stage = np.concatenate([events.stages[newer], final])
    rank = np.concatenate([np.zeros(int(newer.sum()), np.int8), np.ones(len(customers), np.int8)])
    order = np.lexsort((rank, all_day, all_cust))
    all_cust, all_day, all_stage = all_cust[order], all_day[order], all_stage[order]
    before, _ = stored_for(all_cust)
    return _without_repeats(all_cust, all_day, all_stage, before)


def stage_on(order_days: npt.ArrayLike, day: int, *, thresholds: Thresholds,
             p_alive: float | None = None) -> str:  # fmt: skip
    """One customer's stage on ``day`` (P(alive), if given, as known on that day)."""
    days = np.asarray(order_days, dtype=np.int64)
    events = replay(np.zeros(len(days), dtype=np.int64), days, as_of=day, thresholds=thresholds)
    if not len(events):
        return STAGES[PROSPECT]
    stage = int(events.stages[-1])
    if p_alive is not None and stage in ACTIVE and p_alive < thresholds.at_risk_p_alive:
        stage = AT_RISK
    return STAGES[stage]
