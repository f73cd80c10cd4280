from __future__ import annotations

import time

import numpy as np

from rapport_analytics.matching import DuplicateIndex, MatchModel, Record
from rapport_analytics.matching.synthetic import SyntheticPeople


def test_query_finds_duplicates_with_reasons(
    synthetic_people: SyntheticPeople, crm_model: MatchModel
) -> None:
    records = synthetic_people.records
    index = DuplicateIndex.build(records[1000:], model=crm_model)
    entity = synthetic_people.entity_of
    others = {}
    for r in records[1000:]:
        others.setdefault(entity[r.id], []).append(r.id)
    found = missed = false_hits = 0
    latencies = []
    for probe in records[:1000]:
        start = time.perf_counter()
        matches = index.query(probe)
        latencies.append(time.perf_counter() - start)
        truth = set(others.get(entity[probe.id], []))
        hits = {m.id for m in matches}
        found += len(truth & hits)
        missed += len(truth - hits)
        false_hits += len(hits - truth)
        for m in matches:
            assert 0.0 <= m.score <= 1.0 and m.reasons and m.summary.endswith("%")
    assert found / (found + missed) > 0.9
    assert found / (found + false_hits) > 0.9
    assert np.percentile(latencies, 95) < 0.03


def test_add_and_remove(crm_model: MatchModel) -> None:
    existing = Record(
        "1", "Robert", "Jones", ("rob.jones@gmail.com",), ("07700 900123",), birth_date="1975-02-03"
    )
    index = DuplicateIndex.build([existing, Record("2", "Alice", "Brown")], model=crm_model)
    newcomer = Record(
        "new", "Bob", "Jones", ("rob.jones@gmail.com",), ("+447700900123",), birth_date="1975-02-03"
    )
    top = index.query(newcomer)[0]
    assert top.id == "1" and top.score > 0.9
    assert "same e-mail" in top.reasons
    index.add([Record("3", "Bobby", "Jones", (), ("07700900123",), birth_date="1975-02-03")])
    assert {m.id for m in index.query(newcomer)} == {"1", "3"}
    index.compact()
    assert {m.id for m in index.query(newcomer)} == {"1", "3"}
    index.remove(["1"])
    assert [m.id for m in index.query(newcomer)] == ["3"]
