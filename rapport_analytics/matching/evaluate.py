"""Accuracy measures and the Febrl test-data reader (used by tests and the benchmark)."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .records import Record

__all__ = [
    "PairMetrics",
    "febrl_true_pairs",
    "pair_metrics",
    "read_febrl",
    "true_pairs_from_entities",
]


@dataclass(frozen=True, slots=True)
class PairMetrics:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def pair_metrics(
    *, predicted: Iterable[tuple[str, str]], truth: set[tuple[str, str]]
) -> PairMetrics:
    """Pairwise precision/recall/F1; pairs are unordered."""
    found = {_key(a, b) for a, b in predicted}
    tp = len(found & truth)
    return PairMetrics(
        true_positives=tp, false_positives=len(found) - tp, false_negatives=len(truth) - tp
    )


def true_pairs_from_entities(entity_of: dict[str, str]) -> set[tuple[str, str]]:
    """All pairs of record ids that share an entity id."""
    members: dict[str, list[str]] = defaultdict(list)
    for record_id, entity in entity_of.items():
        members[entity].append(record_id)
    return {_key(a, b) for group in members.values() for a, b in itertools.combinations(group, 2)}


def read_febrl(path: Path) -> list[Record]:
    """Febrl CSV (rec_id, given_name, surname, street_number, address_1, address_2,
    suburb, postcode, state, date_of_birth, soc_sec_id) as records."""
    records: list[Record] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, skipinitialspace=True):
            row = {k.strip(): (v or "").strip() for k, v in row.items()}
            street = " ".join(
                p for p in (row["street_number"], row["address_1"], row["address_2"]) if p
            )
            records.append(
                Record(
                    id=row["rec_id"],
                    first_name=row["given_name"],
                    last_name=row["surname"],
                    street=street,
                    postcode=row["postcode"],
                    city=row["suburb"],
                    birth_date=row["date_of_birth"],
                    external_ids=(row["soc_sec_id"],) if row["soc_sec_id"] else (),
                )
            )
    return records


def febrl_true_pairs(record_ids: Iterable[str]) -> set[tuple[str, str]]:
    """Febrl ids look like ``rec-123-org`` / ``rec-123-dup-0``: same number, same person."""
    return true_pairs_from_entities({rid: rid.split("-")[1] for rid in record_ids})
