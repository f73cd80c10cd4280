"""Whole-table duplicate scan and two-file linking: block, compare, fit, score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .blocking import candidate_pairs
from .comparisons import compare_pairs
from .model import MatchModel, estimate_u, run_em
from .records import Record, RecordTable

__all__ = ["Label", "ScanResult", "fit_model", "link_records", "scan_table"]

IntArray = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Label:
    """A reviewed pair: ``is_duplicate`` True for "merged", False for "not a duplicate"."""

    id_a: str
    id_b: str
    is_duplicate: bool


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


def random_pairs(
    n: int, *, count: int, seed: int, source: npt.NDArray[np.int8] | None = None
) -> tuple[IntArray, IntArray]:
    """About ``count`` random distinct row pairs (cross-source when linking)."""
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, size=count, dtype=np.int64)
    right = rng.integers(0, n, size=count, dtype=np.int64)
    keep = left != right
    if source is not None:
        keep &= source[left] != source[right]
    return left[keep], right[keep]


def _label_rows(
    table: RecordTable, labels: Sequence[Label]
) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
    position = {record_id: row for row, record_id in enumerate(table.ids)}
    rows = [
        (position[label.id_a], position[label.id_b], label.is_duplicate)
        for label in labels
        if label.id_a in position and label.id_b in position
    ]
    left = np.array([r[0] for r in rows], dtype=np.int64)
    right = np.array([r[1] for r in rows], dtype=np.int64)
    is_match = np.array([r[2] for r in rows], dtype=bool)
    return left, right, is_match


def fit_model(
    table: RecordTable,
    *,
    labels: Sequence[Label] = (),
    candidate_levels: npt.NDArray[np.int8] | None = None,
    source: npt.NDArray[np.int8] | None = None,
    random_pair_count: int = 300_000,
    seed: int = 0,
) -> MatchModel:
    """Learn a model for this table: u from random pairs, m and prior by EM on candidates."""
    model = MatchModel()
    ra, rb = random_pairs(len(table), count=random_pair_count, seed=seed, source=source)
    model.u = estimate_u(compare_pairs(table, table, ra, rb).levels)
    if candidate_levels is None:
        ca, cb = candidate_pairs(table, source=source)
        candidate_levels = compare_pairs(table, table, ca, cb).levels
    la, lb, is_match = _label_rows(table, labels)
    labelled = compare_pairs(table, table, la, lb).levels if len(la) else None
    run_em(
        model,
        candidate_levels,
        labelled_levels=labelled,
        labelled_is_match=is_match,
        estimate_u_too=True,
    )
    return model


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
