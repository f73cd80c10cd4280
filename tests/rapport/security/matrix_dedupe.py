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
from rapport.people.models import Organization, Person
from rapport.people.services import organization_create, person_create
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
    org_twin = organization_create(actor=rep, data={"name": f"{world.org.name} GmbH"})
    world.extra.update(twin=twin, pair=pair, merge=MergeRecord.objects.get(merged_id=gone.pk),
                       scan=scan, cluster=cluster, org_twin=org_twin)  # fmt: skip


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {
        "cluster_id": world.extra["cluster"].pk,
        "scan_id": world.extra["scan"].pk,
        "pair_id": world.extra["pair"].pk,
        "merge_id": world.extra["merge"].pk,
    }


def _org_twin_merged(w: World) -> bool:
    return Organization.objects.filter(pk=w.extra["org_twin"].pk, deleted_at__isnull=False).exists()


def _org_dismissed(w: World) -> bool:
    return DuplicateDecision.objects.filter(entity="organization").exists()


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
    "dedupe:organization_check": [
        Case("POST", frozenset(EVERYONE), data=lambda w: {"name": w.org.name})
    ],
    "dedupe:organization_dismiss": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            data=lambda w: {"candidate": w.extra["org_twin"].pk, "organization": w.org.pk},
            effect=_org_dismissed,
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
    ("POST", "/organizations/duplicates/check"): Case(
        "POST", frozenset(EVERYONE), data=lambda w: {"name": w.org.name}
    ),
    # Everyone may list clusters; each sees only those whose records they may all see.
    ("GET", "/duplicates/clusters"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/duplicates/clusters/{cluster_id}"): Case("GET", frozenset(SEES_RECORD)),
    ("POST", "/duplicates/scans"): Case(
        "POST",
        frozenset(WRITERS),
        data=lambda w: {"entity": "person"},
        effect=lambda w: ScanRun.objects.filter(status="queued").exists(),
    ),
    ("GET", "/duplicates/scans/{scan_id}"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/duplicates/pairs/{pair_id}/not-duplicate"): Case(
        "POST",
        frozenset(EDITS_RECORD),
        effect=lambda w: DuplicatePair.objects.get(pk=w.extra["pair"].pk).status == "dismissed",
    ),
    # A preview changes nothing; it needs the rights the merge needs.
    ("POST", "/people/{person_id}/merge/preview"): Case(
        "POST", frozenset(EDITS_RECORD), data=lambda w: {"duplicate_id": w.extra["twin"].pk}
    ),
    ("POST", "/organizations/{organization_id}/merge/preview"): Case(
        "POST", frozenset(EDITS_RECORD), data=lambda w: {"duplicate_id": w.extra["org_twin"].pk}
    ),
    ("POST", "/people/{person_id}/merge"): Case(
        "POST",
        frozenset(EDITS_RECORD),
        data=lambda w: {"duplicate_id": w.extra["twin"].pk},
        effect=_twin_merged,
    ),
    ("POST", "/organizations/{organization_id}/merge"): Case(
        "POST",
        frozenset(EDITS_RECORD),
        data=lambda w: {"duplicate_id": w.extra["org_twin"].pk},
        effect=_org_twin_merged,
    ),
    ("POST", "/duplicates/merges/{merge_id}/undo"): Case(
        "POST",
        frozenset(EDITS_RECORD),
        effect=lambda w: MergeRecord.objects.get(pk=w.extra["merge"].pk).is_undone,
    ),
}
