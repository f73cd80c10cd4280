"""/duplicates: the clusters scans found, scans on demand, "not a duplicate"."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from rapport.api.auth import current_user
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS
from rapport.api.schemas import ErrorOut, JsonObject
from rapport.dedupe.api.selectors import (
    cluster_detail,
    cluster_list,
    describe_clusters,
    pair_dict,
    scan_detail,
)
from rapport.dedupe.models import DuplicatePair, ScanRun
from rapport.dedupe.services import pair_not_duplicate, scan_enqueue

router = Router(tags=["duplicates"])

EntityName = Literal["person", "organization"]


class ClusterParams(Schema):
    entity: EntityName | None = Field(None, description="Only people or only organisations.")
    status: Literal["open", "merged", "dismissed"] | None = Field(
        None, description="Only clusters still to review (`open`) or already answered."
    )
    limit: int = Field(50, ge=1, le=200, description="Clusters per page (at most 200).")
    cursor: str | None = Field(None, description="The opaque cursor from a previous page's `next`.")


class ClusterRecordOut(Schema):
    id: int
    name: str
    deleted: bool = Field(description="In the trash (e.g. merged into another record).")


class PairOut(Schema):
    id: int
    record_a: int
    record_b: int
    score: float = Field(description="Probability in 0..1 that the two are one record.")
    reasons: list[str]
    summary: str = Field(description='e.g. "same phone, same last name, 92%".')
    status: str = Field(description="`open`, `merged` or `dismissed` (not a duplicate).")


class ClusterOut(Schema):
    id: int
    entity: str
    certainty: float = Field(description="How sure the scan is that these are one record.")
    size: int
    status: str
    scan_id: int
    created_at: dt.datetime
    records: list[ClusterRecordOut]
    pairs: list[PairOut]


class ClusterPage(Schema):
    results: list[ClusterOut]
    next: str | None


class ScanIn(JsonObject):
    entity: EntityName = Field(description="Scan people or organisations.")


class ScanOut(Schema):
    id: int
    entity: str
    status: str = Field(description="`queued`, `running`, `done` or `failed`.")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    records: int
    candidates: int
    pairs: int
    clusters: int
    message: str


@router.get(
    "/duplicates/clusters", response={200: ClusterPage, **ERRORS}, summary="List duplicate clusters"
)
def list_clusters(request: HttpRequest, params: Query[ClusterParams]) -> dict[str, object]:
    """Clusters found by scans, most certain first; only those whose records you may all
    see (so a page may hold fewer than `limit`, never a hidden record)."""
    qs = cluster_list(user=current_user(request), entity=params.entity, status=params.status)
    page = paginate(request, qs, sort="certainty", limit=params.limit)
    return {"results": describe_clusters(page.items), "next": page.next_url}


@router.get(
    "/duplicates/clusters/{cluster_id}",
    response={200: ClusterOut, **ERRORS},
    summary="Get a duplicate cluster",
)
def get_cluster(request: HttpRequest, cluster_id: int) -> dict[str, object]:
    cluster = cluster_detail(user=current_user(request), pk=cluster_id)
    return describe_clusters([cluster])[0]


@router.post(
    "/duplicates/scans", response={202: ScanOut, **ERRORS}, summary="Start a duplicate scan"
)
def start_scan(request: HttpRequest, payload: ScanIn) -> Status[ScanRun]:
    """Queues a scan of the whole database in the worker and answers at once (202). While
    one is queued or running, that one is returned instead of starting another."""
    run = scan_enqueue(entity=payload.entity, requested_by=current_user(request))
    return Status(202, run)


@router.get("/duplicates/scans/{scan_id}", response={200: ScanOut, **ERRORS}, summary="Get a scan")
def get_scan(request: HttpRequest, scan_id: int) -> ScanRun:
    """A scan's progress and, once `done`, how many records, pairs and clusters it found."""
    return scan_detail(pk=scan_id)


@router.post(
    "/duplicates/pairs/{pair_id}/not-duplicate",
    response={200: PairOut, 409: ErrorOut, **ERRORS},
    summary="Mark a pair as not a duplicate",
)
def pair_not_duplicate_view(request: HttpRequest, pair_id: int) -> dict[str, object]:
    """Remembered: the pair is never proposed again (and teaches the next model fit).
    You must see both records and be able to edit at least one."""
    pair = get_object_or_404(DuplicatePair, pk=pair_id)
    return pair_dict(pair_not_duplicate(actor=current_user(request), pair=pair))
