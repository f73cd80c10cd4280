"""Reads for the review pages: open clusters and pairs, shown only when every record is visible."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from rapport.accounts.access import can_edit, visible_to
from rapport.accounts.models import User
from rapport.dedupe.models import (
    DuplicateCluster,
    DuplicatePair,
    ReviewStatus,
    ScanRun,
)
from rapport.dedupe.profiles import MATCHED_ENTITIES
from rapport.dedupe.services import entity_model
from rapport.people.models import Organization, Person
from rapport.people.selectors import affiliations_seen_by
from rapport_analytics.matching import reason_text

REVIEW_PAGE = 25


@dataclass
class ClusterView:
    cluster: DuplicateCluster
    members: list[Any]  # Person or Organization rows, oldest first
    pairs: list[DuplicatePair]
    can_edit_all: bool


def _records(entity: str, user: User, ids: set[int]) -> dict[int, Any]:
    model = entity_model(entity)
    qs = visible_to(model.objects.alive(), user).filter(pk__in=ids).select_related("owner", "team")
    if model is Person:
        qs = qs.prefetch_related("emails", "phones", "tags", affiliations_seen_by(user))
    else:
        qs = qs.prefetch_related("tags")
    return {r.pk: r for r in qs}


def clusters_for_review(
    *, user: User, entity: str, page: int = 1
) -> tuple[list[ClusterView], bool]:
    """Open clusters, most certain first, whose records ``user`` may all see; and whether
    there are more."""
    start = (max(page, 1) - 1) * REVIEW_PAGE
    clusters = list(
        DuplicateCluster.objects.filter(entity=entity, status=ReviewStatus.OPEN)
        .order_by("-certainty", "id")
        .prefetch_related("pairs")[start : start + REVIEW_PAGE * 2 + 1]
    )
    ids = {x for c in clusters for p in c.pairs.all() for x in (p.record_a, p.record_b)}
    records = _records(entity, user, ids)
    views: list[ClusterView] = []
    for cluster in clusters:
        pairs = [p for p in cluster.pairs.all() if p.status == ReviewStatus.OPEN]
        member_ids = sorted({x for p in pairs for x in (p.record_a, p.record_b)})
        if len(member_ids) < 2 or any(m not in records for m in member_ids):
            continue
        members = [records[m] for m in member_ids]
        views.append(ClusterView(cluster, members, pairs, all(can_edit(user, m) for m in members)))
    return views[:REVIEW_PAGE], len(views) > REVIEW_PAGE


def open_pairs_of(*, user: User, entity: str, record_id: int) -> list[dict[str, Any]]:
    """Open scan pairs involving one record, with the other record visible to ``user``."""
    pairs = list(
        DuplicatePair.objects.filter(entity=entity, status=ReviewStatus.OPEN)
        .filter(Q(record_a=record_id) | Q(record_b=record_id))
        .order_by("-score")[:10]
    )
    others = {p.record_b if p.record_a == record_id else p.record_a for p in pairs}
    records = _records(entity, user, others)
    out = []
    for pair in pairs:
        other = pair.record_b if pair.record_a == record_id else pair.record_a
        if other in records:
            record = records[other]
            label = record.full_name if isinstance(record, Person) else record.name
            out.append({"pair": pair, "other": other, "record": record, "label": label,
                        "summary": reason_text(list(pair.reasons), pair.score)})  # fmt: skip
    return out


def last_scans() -> dict[str, ScanRun | None]:
    return {e: ScanRun.objects.filter(entity=e).first() for e in MATCHED_ENTITIES}


def open_cluster_counts() -> dict[str, int]:
    return {
        e: DuplicateCluster.objects.filter(entity=e, status=ReviewStatus.OPEN).count()
        for e in MATCHED_ENTITIES
    }


def related_counts(record: Person | Organization) -> list[tuple[str, int]]:
    """How many rows of each kind point at a record (what a merge will move)."""
    from rapport.dedupe.merge.relations import incoming_foreign_keys

    out = []
    for fk in incoming_foreign_keys(type(record)):
        count = fk.model._base_manager.filter(**{fk.attname: record.pk}).count()
        if count:
            name = fk.model._meta.verbose_name_plural
            if fk.model._meta.auto_created:
                name = fk.model._meta.object_name.split("_", 1)[-1].replace("_", " ")
            out.append((str(name), count))
    return out
