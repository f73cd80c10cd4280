"""How concentrated value is: Pareto curve (top x% share), Lorenz curve and Gini coefficient."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _non_negative(values: npt.ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or len(array) == 0:
        raise ValueError("values must be a non-empty 1-D array")
    if not np.all(np.isfinite(array)) or array.min() < 0:
        raise ValueError("values must be finite and non-negative")
    return array


@dataclass(frozen=True)
class ParetoPoint:
    customer_share: float  # the top share of customers, by value
    value_share: float  # the share of total value they hold


def pareto_curve(
    values: npt.ArrayLike, *, top_shares: Sequence[float] = (0.01, 0.05, 0.1, 0.2, 0.5)
) -> tuple[ParetoPoint, ...]:
    """Share of total value held by the top x% of customers (at least one customer)."""
    array = _non_negative(values)
    descending = np.sort(array)[::-1]
    total = float(descending.sum())
    cumulative = np.cumsum(descending)
    points = []
    for share in top_shares:
        if not 0 < share <= 1:
            raise ValueError("top shares must be in (0, 1]")
        count = max(1, int(np.ceil(share * len(array) - 1e-9)))
        held = float(cumulative[count - 1]) / total if total > 0 else count / len(array)
        points.append(ParetoPoint(customer_share=share, value_share=held))
    return tuple(points)


def customer_share_for_value_share(values: npt.ArrayLike, *, value_share: float = 0.8) -> float:
    """Smallest share of customers (top by value) that holds ``value_share`` of the value."""
    array = _non_negative(values)
    descending = np.sort(array)[::-1]
    total = descending.sum()
    if total == 0:
        return 1.0
    count = int(np.searchsorted(np.cumsum(descending) / total, value_share - 1e-12)) + 1
    return min(count, len(array)) / len(array)


@dataclass(frozen=True)
class LorenzCurve:
    """Points from (0, 0) to (1, 1): poorest customers first."""

    customer_share: FloatArray
    value_share: FloatArray
    gini: float


def gini(values: npt.ArrayLike) -> float:
    """0 when everyone holds the same value; (n−1)/n when one customer holds it all."""
    ascending = np.sort(_non_negative(values))
    n = len(ascending)
    total = ascending.sum()
    if total == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    # Clamped: rounding can leave -1e-16 for perfectly equal values.
    return max(0.0, float(2 * np.einsum("i,i->", ranks, ascending) / (n * total) - (n + 1) / n))


def lorenz_curve(values: npt.ArrayLike) -> LorenzCurve:
    array = _non_negative(values)
    ascending = np.sort(array)
    total = ascending.sum()
    shares = (
        np.cumsum(ascending) / total if total > 0 else np.arange(1, len(array) + 1) / len(array)
    )
    return LorenzCurve(
        customer_share=np.concatenate([[0.0], np.arange(1, len(array) + 1) / len(array)]),
        value_share=np.concatenate([[0.0], shares]),
        gini=gini(array),
    )
