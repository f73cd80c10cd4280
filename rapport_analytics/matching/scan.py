"""Whole-table duplicate scan and two-file linking: block, compare, fit, score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .blocking import candidate_pairs
from .comparisons import compare_pairs
from .model import MatchModel
from .records import Record, RecordTable
from .training import Label, fit_model

__all__ = ["ScanResult", "find_duplicates", "link_records", "scan_table"]

IntArray = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

DEFAULT_THRESHOLD = 0.5


@dataclass(slots=True)
class ScanResult:
    """Pairs judged duplicates (rows of the scanned table), best first."""

    table: RecordTable
    left: IntArray
    right: IntArray
    scores: Floats
    model: MatchModel
    n_candidates: int

    def id_pairs(self) -> list[tuple[str, str, float]]:
        ids = self.table.ids
        return [
            (ids[int(a)], ids[int(b)], float(s))
            for a, b, s in zip(self.left, self.right, self.scores, strict=True)
        ]


def scan_table(
    table: RecordTable,
    *,
    model: MatchModel | None = None,
    labels: Sequence[Label] = (),
    threshold: float = DEFAULT_THRESHOLD,
    source: npt.NDArray[np.int8] | None = None,
    seed: int = 0,
) -> ScanResult:
    """Every pair of rows scoring at least ``threshold``; fits a model when none is given."""
    left, right = candidate_pairs(table, source=source)
    compared = compare_pairs(table, table, left, right)
    if model is None:
        model = fit_model(
            table, labels=labels, candidate_levels=compared.levels, source=source, seed=seed
        )
    scores = model.score(compared.levels)
    keep = scores >= threshold
    order = np.argsort(-scores[keep], kind="stable")
    return ScanResult(
        table=table,
        left=left[keep][order],
        right=right[keep][order],
        scores=scores[keep][order],
        model=model,
        n_candidates=len(left),
    )


def find_duplicates(
    records: Sequence[Record],
    *,
    model: MatchModel | None = None,
    labels: Sequence[Label] = (),
    threshold: float = DEFAULT_THRESHOLD,
    default_region: str = "GB",
) -> ScanResult:
    """Convenience wrapper: normalise records, then :func:`scan_table`."""
    table = RecordTable.from_records(records, default_region=default_region)
    return scan_table(table, model=model, labels=labels, threshold=threshold)


def link_records(
    left: Sequence[Record],
    right: Sequence[Record],
    *,
    model: MatchModel | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    default_region: str = "GB",
) -> ScanResult:
    """Pairs (left record, right record) that are the same entity; result rows index the
    stacked table (left rows first), pairs oriented left → right."""
    table = RecordTable.from_records([*left, *right], default_region=default_region)
    source = np.zeros(len(table), dtype=np.int8)
    source[len(left) :] = 1
    result = scan_table(table, model=model, threshold=threshold, source=source)
    swap = result.left >= len(left)
    result.left, result.right = (
        np.where(swap, result.right, result.left),
        np.where(swap, result.left, result.right),
    )
    return result
