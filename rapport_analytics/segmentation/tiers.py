"""A/B/C tiers by predicted value, with configurable cut-offs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

TierBasis = Literal["customers", "value"]


@dataclass(frozen=True)
class Tiers:
    labels: npt.NDArray[np.str_]  # per customer
    names: tuple[str, ...]
    cutoffs: tuple[float, ...]
    basis: TierBasis

    def counts(self) -> dict[str, int]:
        return {name: int(np.sum(self.labels == name)) for name in self.names}


def assign_tiers(
    values: npt.ArrayLike,
    *,
    cutoffs: Sequence[float] = (0.2, 0.5),
    names: Sequence[str] = ("A", "B", "C"),
    basis: TierBasis = "customers",
) -> Tiers:
    """Rank customers by value (highest first) and cut at cumulative shares.

    basis "customers": A = top 20% of customers, B = next 30%, C = the rest (defaults).
    basis "value": A = the top customers holding 20% of total value, and so on.
    Customers with equal value always share a tier (the better one).
    """
    array = np.asarray(values, dtype=np.float64)
    if len(names) != len(cutoffs) + 1:
        raise ValueError("need exactly one more tier name than cut-offs")
    if any(not 0 < c < 1 for c in cutoffs) or list(cutoffs) != sorted(set(cutoffs)):
        raise ValueError("cut-offs must be increasing shares strictly between 0 and 1")
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise ValueError("values must be a finite 1-D array")
    order = np.argsort(-array, kind="stable")
    ranked = array[order]
    if basis == "customers":
        position = np.arange(len(array)) / max(len(array), 1)  # share ranked above each customer
    elif basis == "value":
        total = ranked.sum()
        before = np.concatenate([[0.0], np.cumsum(ranked)[:-1]])
        position = before / total if total > 0 else np.zeros(len(array))
    else:
        raise ValueError(f"unknown basis {basis!r}")
    tier_index = np.searchsorted(np.asarray(cutoffs), position, side="right")
    # Ties: every customer with a value takes the best tier any equal-valued customer got.
    first_of_value = np.searchsorted(-ranked, -ranked, side="left")
    tier_index = tier_index[first_of_value]
    labels = np.empty(len(array), dtype=object)
    labels[order] = np.asarray(names, dtype=object)[tier_index]
    return Tiers(labels.astype(str), tuple(names), tuple(cutoffs), basis)
