"""Buttle's strategically significant customers.

High future lifetime value is computed (the top share by predicted CLV). Benchmark
customers (others copy them), inspirations (they push the business to improve) and
cost magnets (their volume absorbs fixed costs) are judgements users record with a
reason; the app stores StrategicFlag rows and the engine combines both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt


class Significance(StrEnum):
    HIGH_LIFETIME_VALUE = "high_lifetime_value"
    BENCHMARK = "benchmark"
    INSPIRATION = "inspiration"
    COST_MAGNET = "cost_magnet"


USER_FLAGGED = frozenset(
    {Significance.BENCHMARK, Significance.INSPIRATION, Significance.COST_MAGNET}
)


@dataclass(frozen=True)
class StrategicFlag:
    """A user's judgement that a customer matters strategically, and why."""

    customer_id: Hashable
    kind: Significance
    reason: str
    set_by: str | None = None
    set_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.kind not in USER_FLAGGED:
            raise ValueError(f"{self.kind} is computed from lifetime value, not set by users")
        if not self.reason.strip():
            raise ValueError("a strategic flag needs a reason")


@dataclass(frozen=True)
class StrategicCustomer:
    customer_id: Hashable
    significance: frozenset[Significance]
    reasons: tuple[str, ...]
    lifetime_value: float | None  # None if the customer has no prediction


def strategic_customers(
    *,
    customer_ids: npt.ArrayLike,
    lifetime_values: npt.ArrayLike,
    flags: Iterable[StrategicFlag] = (),
    top_share: float = 0.2,
) -> list[StrategicCustomer]:
    """Customers in the top ``top_share`` by lifetime value, plus every user-flagged one.

    Sorted by lifetime value, highest first; flagged customers without a value come last.
    """
    ids = np.asarray(customer_ids)
    values = np.asarray(lifetime_values, dtype=np.float64)
    if ids.shape != values.shape or ids.ndim != 1:
        raise ValueError("customer_ids and lifetime_values must be 1-D and of one length")
    if not 0 <= top_share <= 1:
        raise ValueError("top_share must be between 0 and 1")
    value_of = {key: float(v) for key, v in zip(ids.tolist(), values.tolist(), strict=True)}
    significance: dict[Hashable, set[Significance]] = {}
    reasons: dict[Hashable, list[str]] = {}
    count = int(np.ceil(top_share * len(values) - 1e-9))
    if count:
        threshold = np.sort(values)[::-1][count - 1]
        for key, value in value_of.items():
            if value >= threshold and value > 0:
                significance.setdefault(key, set()).add(Significance.HIGH_LIFETIME_VALUE)
                reasons.setdefault(key, []).append(f"lifetime value in the top {top_share:.0%}")
    for flag in flags:
        significance.setdefault(flag.customer_id, set()).add(flag.kind)
        reasons.setdefault(flag.customer_id, []).append(f"{flag.kind.value}: {flag.reason}")
    result = [
        StrategicCustomer(key, frozenset(kinds), tuple(reasons[key]), value_of.get(key))
        for key, kinds in significance.items()
    ]
    return sorted(
        result,
        key=lambda c: (c.lifetime_value is None, -(c.lifetime_value or 0.0), str(c.customer_id)),
    )
