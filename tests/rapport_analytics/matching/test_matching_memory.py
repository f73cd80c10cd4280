"""The memory-lean paths of a big scan give exactly what the straightforward ones gave."""

from __future__ import annotations

import math

import numpy as np

from rapport_analytics.matching import MatchModel, RecordTable
from rapport_analytics.matching.blocking import (
    BLOCKING_KEYS,
    candidate_pairs,
    hash_column,
    key_values,
    merge_sorted_unique,
    name_order,
    windowed_pairs,
)
from rapport_analytics.matching.comparisons import compare_pairs
from rapport_analytics.matching.model import _patterns


def _all_at_once(table: RecordTable) -> set[tuple[int, int]]:
    """Candidate pairs as the engine used to find them: every key's pairs, then unique."""
    rank = name_order(table)
    pairs: set[tuple[int, int]] = set()
    for key in BLOCKING_KEYS:
        for column in key_values(key, table):
            left, right = windowed_pairs(hash_column(column), rank, key.window)
            low, high = np.minimum(left, right).tolist(), np.maximum(left, right).tolist()
            pairs.update(zip(low, high, strict=True))
    return pairs


def test_batched_candidate_pairs_equal_collecting_them_all(synthetic_table: RecordTable) -> None:
    # Given 20,000 synthetic people
    # When candidate pairs are de-duplicated key by key
    left, right = candidate_pairs(synthetic_table)
    # Then they are exactly the unique pairs of all keys, sorted, each once, i < j
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == _all_at_once(synthetic_table)
    codes = left * len(synthetic_table) + right
    assert (np.diff(codes) > 0).all() and (left < right).all()


def test_merge_sorted_unique_is_a_sorted_union() -> None:
    rng = np.random.default_rng(3)
    running = np.zeros(0, dtype=np.int64)
    seen: set[int] = set()
    for size in (0, 50, 1, 500, 0, 200):
        batch = np.unique(rng.integers(0, 1_000, size=size))
        running = merge_sorted_unique(running, batch)
        seen.update(batch.tolist())
        assert running.tolist() == sorted(seen)


def test_pattern_counts_match_a_plain_unique(synthetic_table: RecordTable) -> None:
    # Given the comparison levels of many candidate pairs
    left, right = candidate_pairs(synthetic_table)
    levels = compare_pairs(synthetic_table, synthetic_table, left, right).levels
    # When the distinct level rows are counted without sorting
    patterns, counts = _patterns(levels)
    # Then they are the distinct rows and their counts
    rows, expected = np.unique(levels, axis=0, return_counts=True)
    assert counts.sum() == len(levels)
    assert {tuple(p): c for p, c in zip(patterns.tolist(), counts.tolist(), strict=True)} == {
        tuple(r): float(c) for r, c in zip(rows.tolist(), expected.tolist(), strict=True)
    }


def test_batched_scores_equal_the_formula(
    synthetic_table: RecordTable, crm_model: MatchModel
) -> None:
    left, right = candidate_pairs(synthetic_table)
    levels = compare_pairs(synthetic_table, synthetic_table, left, right).levels
    levels = np.tile(levels, (1_200_000 // len(levels) + 1, 1))  # more than one score batch
    prior = math.log2(crm_model.match_share / (1 - crm_model.match_share))
    expected = 1 / (
        1 + np.exp2(-np.clip(prior + crm_model.pair_weights(levels).sum(axis=1), -60, 60))
    )
    np.testing.assert_allclose(crm_model.score(levels), expected, rtol=1e-12)
