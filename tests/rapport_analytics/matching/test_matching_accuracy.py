"""Pairwise accuracy on Febrl (see tests/data/febrl/README.md) and the synthetic CRM set."""

from __future__ import annotations

from pathlib import Path

from rapport_analytics.matching import RecordTable, link_records, scan_table
from rapport_analytics.matching.evaluate import (
    febrl_true_pairs,
    pair_metrics,
    read_febrl,
    true_pairs_from_entities,
)
from rapport_analytics.matching.synthetic import SyntheticPeople

FEBRL_DIR = Path(__file__).resolve().parents[2] / "data" / "febrl"


def test_febrl3_dedupe_f1() -> None:
    table = RecordTable.from_records(read_febrl(FEBRL_DIR / "dataset3.csv"))
    result = scan_table(table)
    metrics = pair_metrics(
        predicted=[p[:2] for p in result.id_pairs()], truth=febrl_true_pairs(table.ids)
    )
    assert metrics.f1 >= 0.99, metrics


def test_febrl4_linking_f1() -> None:
    left = read_febrl(FEBRL_DIR / "dataset4a.csv")
    right = read_febrl(FEBRL_DIR / "dataset4b.csv")
    result = link_records(left, right)
    ids = {r.id.split("-")[1]: r.id for r in left}
    truth = {
        tuple(sorted((ids[r.id.split("-")[1]], r.id))) for r in right if r.id.split("-")[1] in ids
    }
    assert all(a.endswith("org") for a, _, _ in result.id_pairs())  # oriented left -> right
    metrics = pair_metrics(predicted=[p[:2] for p in result.id_pairs()], truth=truth)  # type: ignore[arg-type]
    assert metrics.f1 >= 0.99, metrics


def test_synthetic_crm_f1(synthetic_people: SyntheticPeople, synthetic_table: RecordTable) -> None:
    result = scan_table(synthetic_table)
    truth = true_pairs_from_entities(synthetic_people.entity_of)
    metrics = pair_metrics(predicted=[p[:2] for p in result.id_pairs()], truth=truth)
    assert metrics.f1 >= 0.95, metrics
