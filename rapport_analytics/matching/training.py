"""Unsupervised (and label-assisted) estimation of a :class:`MatchModel`.

u comes from random pairs. m comes from EM run separately inside a few
*training blocks* (pairs sharing, say, first name and birth date): inside a
block the blocked fields agree by construction, so their m is not learned
there but in another block. Averaging the other fields across blocks keeps
any one block's quirks (a household block, a namesake block) from dominating,
which is what made a single EM over all candidates collapse into "same
household" instead of "same person".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .blocking import hash_column, name_order, windowed_pairs
from .comparisons import COMPARISON_INDEX, COMPARISONS, compare_pairs
from .model import MatchModel, estimate_u, run_em
from .records import RecordTable

__all__ = ["Label", "fit_model", "random_pairs"]

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class Label:
    """A reviewed pair: ``is_duplicate`` True for "merged", False for "not a duplicate"."""

    id_a: str
    id_b: str
    is_duplicate: bool


@dataclass(frozen=True, slots=True)
class _TrainingBlock:
    name: str
    key: Callable[[RecordTable], ObjArray]
    fixes: tuple[str, ...]  # comparisons that agree by construction inside the block


def _dob_text(t: RecordTable) -> ObjArray:
    text = t.dob.astype(str).astype(object)
    text[t.dob == 0] = ""
    return np.asarray(text, dtype=object)


def _joined(*parts: ObjArray) -> ObjArray:
    out = parts[0].astype(object)
    blank = parts[0] == ""
    for part in parts[1:]:
        out = out + "|" + part
        blank |= part == ""
    out[blank] = ""
    return np.asarray(out, dtype=object)


_TRAINING_BLOCKS = (
    _TrainingBlock(
        "first_name_birth_date",
        lambda t: _joined(t.first_code, _dob_text(t)),
        ("first_name", "birth_date"),
    ),
    _TrainingBlock(
        "surname_postcode", lambda t: _joined(t.last_code, t.postcode), ("last_name", "location")
    ),
    _TrainingBlock("email", lambda t: t.email_a, ("email",)),
    _TrainingBlock("external_id", lambda t: t.external_id, ("external_id",)),
)


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


def label_rows(
    table: RecordTable, labels: Sequence[Label]
) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
    """Row numbers of labelled pairs whose both records are in the table."""
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


def _block_pairs(
    table: RecordTable,
    block: _TrainingBlock,
    rank: IntArray,
    *,
    source: npt.NDArray[np.int8] | None,
    max_pairs: int,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray]:
    left, right = windowed_pairs(hash_column(block.key(table)), rank, window=10)
    if source is not None:
        keep = source[left] != source[right]
        left, right = left[keep], right[keep]
    if len(left) > max_pairs:
        pick = rng.choice(len(left), size=max_pairs, replace=False)
        left, right = left[pick], right[pick]
    return left, right


def fit_model(
    table: RecordTable,
    *,
    labels: Sequence[Label] = (),
    candidate_levels: npt.NDArray[np.int8] | None = None,
    source: npt.NDArray[np.int8] | None = None,
    random_pair_count: int = 300_000,
    max_block_pairs: int = 1_000_000,
    seed: int = 0,
) -> MatchModel:
    """Learn a model for ``table`` (plus reviewed ``labels``) without ground truth.

    ``candidate_levels`` (levels of the scan's candidate pairs) lets the prior
    share of duplicates be estimated; without it the training blocks are used.
    """
    rng = np.random.default_rng(seed)
    model = MatchModel()
    ra, rb = random_pairs(len(table), count=random_pair_count, seed=seed, source=source)
    la, lb, is_match = label_rows(table, labels)
    labelled = compare_pairs(table, table, la, lb).levels if len(la) else None
    # "Not a duplicate" answers tell how often each level occurs between
    # different people (u); "merged" answers enter EM below and inform m.
    non_matches = labelled[~is_match] if labelled is not None else None
    model.u = estimate_u(compare_pairs(table, table, ra, rb).levels, non_match_levels=non_matches)

    rank = name_order(table)
    sums = [np.zeros(c.n_levels) for c in COMPARISONS]
    votes = [0] * len(COMPARISONS)
    for block in _TRAINING_BLOCKS:
        left, right = _block_pairs(
            table, block, rank, source=source, max_pairs=max_block_pairs, rng=rng
        )
        if len(left) < 50:
            continue  # too few pairs to say anything (e.g. no e-mails in this file)
        fixed = [COMPARISON_INDEX[name] for name in block.fixes]
        # Blocked fields agree by construction here: blank them so they neither
        # vote in the E-step nor get m estimates from this block.
        block_levels = compare_pairs(table, table, left, right).levels
        block_levels[:, fixed] = -1
        block_labelled = None
        if labelled is not None:
            block_labelled = labelled.copy()
            block_labelled[:, fixed] = -1
        trial = MatchModel(u=model.u, match_share=0.1)
        run_em(trial, block_levels, labelled_levels=block_labelled, labelled_is_match=is_match)
        for k in range(len(COMPARISONS)):
            if k not in fixed:
                sums[k] += trial.m[k]
                votes[k] += 1
    model.m = [s / v if v else m for s, v, m in zip(sums, votes, model.m, strict=True)]

    # Prior: the expected number of duplicates among candidates, over all pairs.
    if candidate_levels is None:
        from .blocking import candidate_pairs

        ca, cb = candidate_pairs(table, source=source)
        candidate_levels = compare_pairs(table, table, ca, cb).levels
    run_em(
        model,
        candidate_levels,
        update_m=False,
        labelled_levels=labelled,
        labelled_is_match=is_match,
    )
    expected_matches = model.match_share * len(candidate_levels)
    n = len(table)
    if source is not None:
        n_left = int((source == 0).sum())
        all_pairs = n_left * (n - n_left)
    else:
        all_pairs = n * (n - 1) // 2
    model.match_share = min(max(expected_matches / max(all_pairs, 1), 1e-12), 0.5)
    return model
