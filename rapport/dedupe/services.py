"""Writes of the duplicates feature: scan requests and review decisions.

Merging lives in ``rapport.dedupe.merge``; the scan itself in ``rapport.dedupe.scan``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from rapport.accounts.access import access_record, can_edit, require_writer
from rapport.accounts.models import User
from rapport.core.entities import entity_kind
from rapport.core.errors import Conflict, PermissionDenied, ValidationFailed
from rapport.dedupe.models import (
    Decision,
    DuplicateCluster,
    DuplicateDecision,
    DuplicatePair,
    ReviewStatus,
    ScanRun,
    ScanStatus,
)
from rapport.dedupe.profiles import MATCHED_ENTITIES
from rapport.people.models import Organization, Person

STALE_SCAN = dt.timedelta(hours=6)


def entity_model(entity: str) -> type[Person] | type[Organization]:
    if entity in MATCHED_ENTITIES:
        return entity_kind(entity).model
    raise ValidationFailed({"entity": ["Must be person or organization."]})


def scan_request(*, entity: str, requested_by: User | None) -> ScanRun:
    """A queued scan, or the one already queued or running (a second click adds nothing)."""
    entity_model(entity)
    if requested_by is not None:
        require_writer(requested_by)
    active_runs = ScanRun.objects.filter(
        entity=entity, status__in=[ScanStatus.QUEUED, ScanStatus.RUNNING]
    )
    # A worker killed mid-scan leaves its run "running": give up on it after a while.
    active_runs.filter(created_at__lt=timezone.now() - STALE_SCAN).update(
        status=ScanStatus.FAILED, message="Abandoned: the worker stopped before it finished."
    )
    active = active_runs.first()
    if active is not None:
        return active
    return ScanRun.objects.create(entity=entity, requested_by=requested_by)


def scan_enqueue(*, entity: str, requested_by: User) -> ScanRun:
    from rapport.dedupe.tasks import run_scan

    run = scan_request(entity=entity, requested_by=requested_by)
    if run.status == ScanStatus.QUEUED:
        transaction.on_commit(lambda: run_scan(run.pk))
    return run


def _close_pairs(entity: str, a: int, b: int, status: str) -> None:
    pairs = DuplicatePair.objects.filter(entity=entity, record_a=a, record_b=b)
    cluster_ids = list(pairs.values_list("cluster_id", flat=True))
    pairs.update(status=status)
    for cluster in DuplicateCluster.objects.filter(pk__in=cluster_ids, status=ReviewStatus.OPEN):
        if not cluster.pairs.filter(status=ReviewStatus.OPEN).exists():
            cluster.status = status
            cluster.save(update_fields=["status"])


@transaction.atomic
def decision_record(
    *, actor: User | None, entity: str, record_a: int, record_b: int, decision: str
) -> DuplicateDecision:
    """Remember a reviewer's answer about a pair (a label for the next model fit)."""
    a, b = sorted((int(record_a), int(record_b)))
    if a == b:
        raise ValidationFailed({"record_b": ["A record cannot be a duplicate of itself."]})
    if decision not in Decision.values:
        raise ValidationFailed({"decision": [f"Must be one of: {', '.join(Decision.values)}."]})
    row, _ = DuplicateDecision.objects.update_or_create(
        entity=entity, record_a=a, record_b=b,
        defaults={"decision": decision, "decided_by": actor, "decided_at": timezone.now()},
    )  # fmt: skip
    status = ReviewStatus.MERGED if decision == Decision.DUPLICATE else ReviewStatus.DISMISSED
    _close_pairs(entity, a, b, status)
    return row


def not_duplicate(*, actor: User, entity: str, record_a: int, record_b: int) -> DuplicateDecision:
    """ "Not a duplicate": the user must be able to edit at least one of the two and see both."""
    require_writer(actor)
    model = entity_model(entity)
    first = access_record(model.objects.all(), actor, pk=record_a)
    second = access_record(model.objects.all(), actor, pk=record_b)
    if not (can_edit(actor, first) or can_edit(actor, second)):
        raise PermissionDenied("You may not change either record.")
    return decision_record(actor=actor, entity=entity, record_a=first.pk, record_b=second.pk,
                           decision=Decision.NOT_DUPLICATE)  # fmt: skip


def pair_not_duplicate(*, actor: User, pair: DuplicatePair) -> DuplicatePair:
    """ "Not a duplicate" for a scan pair; answering it twice changes nothing, but a pair
    whose records were merged cannot be taken back this way (undo the merge)."""
    require_writer(actor)
    if pair.status == ReviewStatus.MERGED:
        raise Conflict("These records were merged; undo the merge instead.")
    if pair.status == ReviewStatus.DISMISSED:
        model = entity_model(pair.entity)
        for pk in (pair.record_a, pair.record_b):
            access_record(model.objects.all(), actor, pk=pk)
        return pair
    not_duplicate(actor=actor, entity=pair.entity, record_a=pair.record_a, record_b=pair.record_b)
    pair.refresh_from_db()
    return pair
