"""Duplicates: review queue, scans, the form check, record panels, merge and undo."""

from __future__ import annotations

from typing import Any

from rapport.dedupe.merge import person_merge
from rapport.dedupe.models import (
    DuplicateCluster,
    DuplicateDecision,
    DuplicatePair,
    MergeRecord,
    ScanRun,
)
from rapport.people.models import Person
from rapport.people.services import person_create
from tests.rapport.security.matrix import EDITS_RECORD, EVERYONE, SEES_RECORD, WRITERS, Case, World


def extend_world(world: World) -> None:
    rep = world.users["rep"]
    twin = person_create(actor=rep, data={"first_name": "Ana", "last_name": "Souza"})
    scan = ScanRun.objects.create(entity="person", status="done")
    cluster = DuplicateCluster.objects.create(entity="person", scan=scan, certainty=0.9, size=2)
    a, b = sorted((world.person.pk, twin.pk))
    pair = DuplicatePair.objects.create(cluster=cluster, entity="person", record_a=a, record_b=b,
                                        score=0.9, reasons=["same last name"])  # fmt: skip
    kept = person_create(actor=rep, data={"first_name": "Kim", "last_name": "Lee"})
    gone = person_create(actor=rep, data={"first_name": "Kim", "last_name": "Lee"})
    person_merge(survivor=kept, duplicate=gone, field_choices={}, merged_by=rep)
    world.extra.update(twin=twin, pair=pair, merge=MergeRecord.objects.get(merged_id=gone.pk))


def _merge_kwargs(w: World) -> dict[str, Any]:
    return {"entity": "person", "survivor_id": w.person.pk, "duplicate_id": w.extra["twin"].pk}


def _twin_merged(w: World) -> bool:
    return Person.objects.filter(pk=w.extra["twin"].pk, deleted_at__isnull=False).exists()


PAGES: dict[str, list[Case]] = {
    "dedupe:review": [Case("GET", frozenset(EVERYONE), data=lambda w: {"entity": "person"})],
    "dedupe:scan_start": [Case("POST", frozenset(WRITERS), data=lambda w: {"entity": "person"})],
    "dedupe:pair_dismiss": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            kwargs=lambda w: {"pk": w.extra["pair"].pk},
            effect=lambda w: DuplicatePair.objects.get(pk=w.extra["pair"].pk).status == "dismissed",
        )
    ],
    "dedupe:person_check": [
        Case(
            "POST", frozenset(EVERYONE), data=lambda w: {"first_name": "Ana", "last_name": "Souza"}
        )
    ],
    "dedupe:person_dismiss": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            data=lambda w: {"candidate": w.extra["twin"].pk, "person": w.person.pk},
            effect=lambda w: DuplicateDecision.objects.filter(decision="not_duplicate").exists(),
        )
    ],
    "dedupe:person_panel": [
        Case("GET", frozenset(SEES_RECORD), kwargs=lambda w: {"pk": w.person.pk})
    ],
    "dedupe:organization_panel": [
        Case("GET", frozenset(SEES_RECORD), kwargs=lambda w: {"pk": w.org.pk})
    ],
    "dedupe:merge": [
        Case("GET", frozenset(EDITS_RECORD), kwargs=_merge_kwargs),
        Case("POST", frozenset(EDITS_RECORD), kwargs=_merge_kwargs, effect=_twin_merged),
    ],
    "dedupe:merge_undo": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            kwargs=lambda w: {"pk": w.extra["merge"].pk},
            effect=lambda w: MergeRecord.objects.get(pk=w.extra["merge"].pk).is_undone,
        )
    ],
}

API: dict[tuple[str, str], Case] = {
    ("POST", "/people/duplicates/check"): Case(
        "POST", frozenset(EVERYONE), data=lambda w: {"first_name": "Ana", "last_name": "Souza"}
    ),
}
