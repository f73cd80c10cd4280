"""The whole-database scan: read everyone once, find duplicate pairs, store clusters.

For people it also rebuilds the blocking-key table on the way (the same pass
reads what the keys need) and refits the workspace's match model with every
reviewed pair as a label. Pairs a reviewer already judged are never proposed again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from django.db import transaction
from django.utils import timezone

from rapport.dedupe.keys import person_keys_rebuild
from rapport.dedupe.models import (
    Decision,
    DuplicateCluster,
    DuplicateDecision,
    DuplicatePair,
    ModelState,
    ReviewStatus,
    ScanRun,
    ScanStatus,
)
from rapport.dedupe.orgkeys import organization_keys_rebuild
from rapport.dedupe.orgmatch import scan_organizations
from rapport.dedupe.profiles import iter_all_organization_profiles, iter_all_person_profiles
from rapport.people.models import Person
from rapport_analytics.matching import (
    Label,
    MatchModel,
    RecordTable,
    cluster_pairs,
    fit_model,
    pair_reasons,
    scan_table,
)
from rapport_analytics.matching.comparisons import compare_pairs
from rapport_analytics.matching.synthetic import generate_people

Progress = Callable[[str], None]
# Below this many people the workspace's own data says too little to fit a model:
# synthetic CRM-like people (the engine's generator) are added for the fit only.
MIN_FIT_RECORDS = 5_000
MAX_STORED_CLUSTERS = 50_000


def _quiet(message: str) -> None:
    return None


@lru_cache(maxsize=1)
def _background(size: int) -> RecordTable:
    people = generate_people(n_records=size, seed=0)
    return RecordTable.from_records(people.records, default_region="GB")


def decided_pairs(entity: str) -> dict[tuple[int, int], bool]:
    """(a, b) → True for "duplicate", False for "not a duplicate"."""
    rows = DuplicateDecision.objects.filter(entity=entity).values_list(
        "record_a", "record_b", "decision"
    )
    return {(int(a), int(b)): d == Decision.DUPLICATE for a, b, d in rows}


def fit_person_model(table: RecordTable, labels: Sequence[Label]) -> MatchModel:
    if len(table) >= MIN_FIT_RECORDS:
        return fit_model(table, labels=labels)
    background = _background(MIN_FIT_RECORDS - len(table))
    return fit_model(RecordTable.concat([background, table]), labels=labels)


def _read_people(progress: Progress) -> RecordTable:
    """Every live person as one normalised table; the key table is rewritten on the way."""
    total = Person.objects.alive().count()
    return person_keys_rebuild(
        iter_all_person_profiles(),
        total=total,
        progress=lambda done: progress(f"read {done:,}/{total:,} people"),
    )


def _store(run: ScanRun, entity: str, pairs: list[tuple[int, int, float, tuple[str, ...]]]) -> int:
    """Replace the open clusters of ``entity`` with clusters of these pairs (best first)."""
    by_index: dict[int, int] = {}
    ids: list[int] = []
    for a, b, _, _ in pairs:
        for x in (a, b):
            if x not in by_index:
                by_index[x] = len(ids)
                ids.append(x)
    left = np.array([by_index[p[0]] for p in pairs], dtype=np.int64)
    right = np.array([by_index[p[1]] for p in pairs], dtype=np.int64)
    scores = np.array([p[2] for p in pairs], dtype=np.float64)
    reasons = {(p[0], p[1]): p[3] for p in pairs}
    clusters = cluster_pairs(left=left, right=right, scores=scores)[:MAX_STORED_CLUSTERS]
    with transaction.atomic():
        DuplicateCluster.objects.filter(entity=entity, status=ReviewStatus.OPEN).delete()
        made = DuplicateCluster.objects.bulk_create(
            DuplicateCluster(entity=entity, scan=run, certainty=c.certainty, size=len(c.members))
            for c in clusters
        )
        rows = []
        for cluster, row in zip(clusters, made, strict=True):
            for i, j, score in cluster.pairs:
                a, b = sorted((ids[i], ids[j]))
                rows.append(DuplicatePair(cluster=row, entity=entity, record_a=a, record_b=b,
                                          score=score, reasons=list(reasons[(a, b)])))  # fmt: skip
        DuplicatePair.objects.bulk_create(rows, batch_size=2000)
    return len(clusters)


def _scan_people(run: ScanRun, progress: Progress) -> list[tuple[int, int, float, tuple[str, ...]]]:
    table = _read_people(progress)
    run.records = len(table)
    decided = decided_pairs("person")
    labels = [Label(str(a), str(b), dup) for (a, b), dup in decided.items()]
    progress(f"fitting the match model with {len(labels)} reviewed pairs")
    model = fit_person_model(table, labels)
    ModelState.objects.update_or_create(
        entity="person",
        defaults={"data": model.to_dict(), "labels": len(labels), "records": len(table),
                  "fitted_at": timezone.now()},
    )  # fmt: skip
    if len(table) < 2:
        return []
    progress("scanning for duplicate pairs")
    result = scan_table(table, model=model)
    run.candidates = result.n_candidates
    ids = np.array([int(i) for i in table.ids], dtype=np.int64)
    a, b = ids[result.left], ids[result.right]
    low, high = np.minimum(a, b), np.maximum(a, b)
    keep = np.array(
        [(int(x), int(y)) not in decided for x, y in zip(low, high, strict=True)], dtype=bool
    )
    left, right, scores = result.left[keep], result.right[keep], result.scores[keep]
    levels = compare_pairs(table, table, left, right)
    return [
        (int(low[keep][k]), int(high[keep][k]), float(scores[k]),
         tuple(pair_reasons(model, levels.levels[k], names_swapped=bool(levels.names_swapped[k]))))
        for k in range(len(left))
    ]  # fmt: skip


def _scan_organizations(run: ScanRun) -> list[tuple[int, int, float, tuple[str, ...]]]:
    # The keys of the duplicate check are rebuilt on the way, as for people.
    profiles = organization_keys_rebuild(iter_all_organization_profiles())
    run.records = len(profiles)
    decided = decided_pairs("organization")
    return [
        (p.a, p.b, p.score, p.reasons)
        for p in scan_organizations(profiles)
        if (p.a, p.b) not in decided
    ]


def scan_run(run_id: int, *, progress: Progress = _quiet) -> ScanRun:
    """Run a queued scan to the end; safe to run twice (a finished run is left alone)."""
    run = ScanRun.objects.get(pk=run_id)
    if run.status in {ScanStatus.DONE, ScanStatus.FAILED}:
        return run
    run.status, run.started_at = ScanStatus.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        pairs = _scan_people(run, progress) if run.entity == "person" else _scan_organizations(run)
        progress(f"storing {len(pairs):,} pairs for review")
        run.pairs = len(pairs)
        run.clusters = _store(run, run.entity, pairs)
        run.status = ScanStatus.DONE
    except Exception as exc:
        run.status, run.message = ScanStatus.FAILED, str(exc)[:500]
        raise
    finally:
        run.finished_at = timezone.now()
        run.save()
    return run
