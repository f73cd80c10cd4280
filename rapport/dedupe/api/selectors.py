"""Reads behind the duplicates API: clusters a user may see, with their records' names.

A cluster is listed only when the user may see every record in it (as on the
review page); the rule is applied in SQL so cursor pages stay exact.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from rapport.accounts.access import read_scope, visible_to
from rapport.accounts.models import User
from rapport.core.errors import NotFound
from rapport.dedupe.models import DuplicateCluster, DuplicatePair, ScanRun
from rapport.dedupe.profiles import MATCHED_ENTITIES
from rapport.dedupe.services import entity_model
from rapport.people.models import Person
from rapport_analytics.matching import reason_text


def _visible_clusters(user: User, entity: str) -> Q:
    """Clusters of ``entity`` with no record hidden from ``user`` (trashed ones count)."""
    if read_scope(user) is None:
        return Q(entity=entity)
    visible = visible_to(entity_model(entity).objects.all(), user).values("pk")
    hidden = DuplicatePair.objects.filter(cluster=OuterRef("pk")).filter(
        ~Q(record_a__in=visible) | ~Q(record_b__in=visible)
    )
    return Q(entity=entity) & ~Q(Exists(hidden))


def cluster_list(
    *, user: User, entity: str | None = None, status: str | None = None
) -> QuerySet[DuplicateCluster]:
    """Clusters ``user`` may see, most certain first (then by id)."""
    entities = [entity] if entity else list(MATCHED_ENTITIES)
    scope = Q(pk__in=[])
    for name in entities:
        scope |= _visible_clusters(user, name)
    qs = DuplicateCluster.objects.filter(scope)
    if status:
        qs = qs.filter(status=status)
    # Ordered by certainty in billionths: cursors carry integers, not floats.
    rank = Cast(F("certainty") * 1_000_000_000, output_field=BigIntegerField())
    return qs.prefetch_related("pairs").annotate(rank=rank).order_by("-rank", "id")


def cluster_detail(*, user: User, pk: int) -> DuplicateCluster:
    cluster = cluster_list(user=user).filter(pk=pk).first()
    if cluster is None:
        raise NotFound("No such cluster, or you may not see all of its records.")
    return cluster


def scan_detail(*, pk: int) -> ScanRun:
    scan = ScanRun.objects.filter(pk=pk).first()
    if scan is None:
        raise NotFound("No such scan.")
    return scan


def _labels(entity: str, ids: set[int]) -> dict[int, tuple[str, bool]]:
    """id → (name, in the trash) for records of one entity."""
    model = entity_model(entity)
    if model is Person:
        rows = Person.objects.filter(pk__in=ids).values_list(
            "pk", "first_name", "last_name", "email", "deleted_at"
        )
        return {
            pk: (
                " ".join(p for p in (first, last) if p) or email or f"Person {pk}",
                gone is not None,
            )
            for pk, first, last, email, gone in rows
        }
    orgs = model.objects.filter(pk__in=ids).values_list("pk", "name", "deleted_at")
    return {pk: (name, gone is not None) for pk, name, gone in orgs}


def describe_clusters(clusters: list[DuplicateCluster]) -> list[dict[str, Any]]:
    """Clusters as API dicts: their records (id, name, in the trash) and scored pairs."""
    ids: dict[str, set[int]] = {}
    for cluster in clusters:
        for pair in cluster.pairs.all():
            ids.setdefault(cluster.entity, set()).update((pair.record_a, pair.record_b))
    labels = {entity: _labels(entity, members) for entity, members in ids.items()}
    out = []
    for cluster in clusters:
        pairs = list(cluster.pairs.all())
        members = sorted({x for p in pairs for x in (p.record_a, p.record_b)})
        names = labels.get(cluster.entity, {})
        out.append({
            "id": cluster.pk, "entity": cluster.entity, "certainty": cluster.certainty,
            "size": cluster.size, "status": cluster.status, "scan_id": cluster.scan_id,
            "created_at": cluster.created_at,
            "records": [{"id": m, "name": names.get(m, ("", True))[0],
                         "deleted": names.get(m, ("", True))[1]} for m in members],
            "pairs": [pair_dict(p) for p in pairs],
        })  # fmt: skip
    return out


def pair_dict(pair: DuplicatePair) -> dict[str, Any]:
    return {
        "id": pair.pk, "record_a": pair.record_a, "record_b": pair.record_b,
        "score": pair.score, "reasons": list(pair.reasons), "status": pair.status,
        "summary": reason_text(list(pair.reasons), pair.score),
    }  # fmt: skip
