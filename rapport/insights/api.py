"""/segments (CRUD and members), /insights (model runs, recompute) and a person's lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from rapport.api.auth import current_user
from rapport.api.concurrency import conditional_get, etag_for, expected_version
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.api.types import JsonBool, non_blank, not_null
from rapport.insights.models import ModelRun, Segment
from rapport.insights.portfolio import recent_runs
from rapport.insights.selectors import (
    Lifecycle,
    person_lifecycle,
    segment_get,
    segment_people,
    segments_for,
)
from rapport.insights.services import (
    lifecycle_override,
    recompute_request,
    segment_create,
    segment_delete,
    segment_update,
)
from rapport.people.api.schemas import PersonPage
from rapport.people.models import LifecycleStage
from rapport.people.selectors import PERSON_SORTS, capped_count, with_list_relations

router = Router(tags=["segments and customer value"])


class Condition(Schema):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="e.g. `tier`, `p_alive`, `stage`, `tag`, `flag`, `cf_<key>`.")
    op: Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "contains"]
    value: Any = Field(description="A value; a list for `in`.")


class SegmentOut(Schema):
    id: int
    name: str
    entity: str
    owner_id: int | None
    shared: bool
    definition: list[dict[str, Any]]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class SegmentDetailOut(SegmentOut):
    member_count: int = Field(description="Members you may see, counted up to the cap.")
    member_count_capped: bool


class SegmentIn(Schema):
    """A segment to create, or the fields to change (send only those)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = non_blank()
    entity: Literal["person", "organization"] | None = None
    shared: JsonBool | None = Field(None, description="Managers and admins only.")
    definition: list[Condition] | None = not_null("Conditions, all must hold.")

    def to_service_data(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class MemberParams(Schema):
    limit: int = Field(50, ge=1, le=200, description="Rows per page (at most 200).")
    cursor: str | None = Field(None, description="The opaque cursor from a previous page's `next`.")


class RunOut(Schema):
    id: int
    status: str
    progress: int
    message: str
    model: str
    model_setting: str
    choice_reason: str
    params: dict[str, Any]
    standard_errors: dict[str, Any]
    spend_params: dict[str, Any]
    log_likelihood: float | None
    fitted_at: dt.datetime | None
    calibration_end: dt.date | None
    holdout_end: dt.date | None
    diagnostics: dict[str, Any]
    n_customers: int
    n_orders: int
    currency: str
    horizon: float
    duration_seconds: float | None
    created_at: dt.datetime


def _detail(request: HttpRequest, segment: Segment, response: HttpResponse) -> dict[str, Any]:
    count, capped = capped_count(segment_people(segment=segment, user=current_user(request)))
    response["ETag"] = etag_for(segment)
    data = SegmentOut.from_orm(segment).model_dump()
    return {**data, "member_count": count, "member_count_capped": capped}


@router.get("/segments", response={200: list[SegmentOut], **ERRORS}, summary="List segments")
def list_segments(request: HttpRequest) -> list[Segment]:
    """Your segments and the shared ones."""
    return list(segments_for(user=current_user(request)))


@router.post("/segments", response={201: SegmentDetailOut, **WRITE_ERRORS}, summary="Create")
def create_segment(
    request: HttpRequest, payload: SegmentIn, response: HttpResponse
) -> Status[dict[str, Any]]:
    segment = segment_create(actor=current_user(request), data=payload.to_service_data())
    response["Location"] = request.build_absolute_uri(f"{request.path}/{segment.pk}")
    return Status(201, _detail(request, segment, response))


@router.get(
    "/segments/{segment_id}",
    response={200: SegmentDetailOut, 304: None, **ERRORS},
    summary="Get a segment with its member count",
)
def get_segment(
    request: HttpRequest, segment_id: int, response: HttpResponse
) -> dict[str, Any] | HttpResponse:
    segment = segment_get(user=current_user(request), pk=segment_id)
    if (not_modified := conditional_get(request, response, segment)) is not None:
        return not_modified
    return _detail(request, segment, response)


@router.patch(
    "/segments/{segment_id}", response={200: SegmentDetailOut, **WRITE_ERRORS}, summary="Change"
)
def update_segment(
    request: HttpRequest, segment_id: int, payload: SegmentIn, response: HttpResponse
) -> dict[str, Any]:
    """Owner or admin. `definition`, if sent, replaces all conditions. `If-Match` is honoured."""
    user = current_user(request)
    segment = segment_get(user=user, pk=segment_id)
    version = expected_version(request, segment)
    segment = segment_update(
        actor=user, segment=segment, data=payload.to_service_data(), expected_version=version
    )
    return _detail(request, segment, response)


@router.delete("/segments/{segment_id}", response={204: None, **WRITE_ERRORS}, summary="Delete")
def delete_segment(request: HttpRequest, segment_id: int) -> Status[None]:
    user = current_user(request)
    segment = segment_get(user=user, pk=segment_id)
    segment_delete(actor=user, segment=segment, expected_version=expected_version(request, segment))
    return Status(204, None)


@router.get(
    "/segments/{segment_id}/members",
    response={200: PersonPage, **ERRORS},
    summary="People in a segment",
)
def segment_members(
    request: HttpRequest, segment_id: int, params: Query[MemberParams]
) -> dict[str, object]:
    """People in the segment you may see (for an organisation segment, their people)."""
    user = current_user(request)
    segment = segment_get(user=user, pk=segment_id)
    qs = segment_people(segment=segment, user=user).order_by(*PERSON_SORTS["-updated"])
    qs = with_list_relations(qs, user=user).prefetch_related("emails", "phones")
    page = paginate(request, qs, sort="-updated", limit=params.limit)
    return {"results": page.items, "next": page.next_url}


@router.get("/insights/runs", response={200: list[RunOut], **ERRORS}, summary="Model runs")
def list_runs(request: HttpRequest) -> list[ModelRun]:
    """The latest recomputes: model, parameters, fit date and holdout diagnostics."""
    current_user(request)
    return recent_runs(limit=20)


@router.post("/insights/recompute", response={202: RunOut, **WRITE_ERRORS}, summary="Recompute now")
def recompute(request: HttpRequest) -> Status[ModelRun]:
    """Managers and admins: queue a recompute (or get the one already running)."""
    run = recompute_request(actor=current_user(request))
    run.refresh_from_db()
    return Status(202, run)


class TransitionOut(Schema):
    from_stage: str
    to_stage: str
    on: dt.date = Field(description="The day the new stage began.")
    source: Literal["computed", "manual"]
    reason: str = Field(description="Why, for a stage set by hand; blank when computed.")
    actor_id: int | None
    created_at: dt.datetime


class LifecycleOut(Schema):
    person_id: int
    stage: LifecycleStage = Field(description="The stage in force.")
    since: dt.date | None = Field(description="When it began; null before the first computation.")
    computed_stage: LifecycleStage | None = Field(
        description="What the last computation found (null: no orders yet)."
    )
    overridden: bool = Field(description="Set by hand; holds until the computed stage changes.")
    history: list[TransitionOut] = Field(description="The latest 100 transitions, newest first.")


class LifecycleOverrideIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: LifecycleStage
    reason: str = Field(description="Required: why the stage is set by hand (≤ 500 characters).")


def _lifecycle(lifecycle: Lifecycle) -> dict[str, Any]:
    return {
        "person_id": lifecycle.person.pk, "stage": lifecycle.stage, "since": lifecycle.since,
        "computed_stage": lifecycle.computed_stage, "overridden": lifecycle.overridden,
        "history": lifecycle.history,
    }  # fmt: skip


@router.get(
    "/people/{person_id}/lifecycle",
    response={200: LifecycleOut, **ERRORS},
    summary="A person's lifecycle stage and its history",
)
def get_person_lifecycle(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """Computed from orders at each recompute (rules: `rapport_analytics/lifecycle.py`)."""
    return _lifecycle(person_lifecycle(user=current_user(request), pk=person_id))


@router.post(
    "/people/{person_id}/lifecycle/override",
    response={200: LifecycleOut, **WRITE_ERRORS},
    summary="Set a person's lifecycle stage by hand",
)
def override_person_lifecycle(
    request: HttpRequest, person_id: int, payload: LifecycleOverrideIn
) -> dict[str, Any]:
    """Those who may edit the person. The reason is required and kept in the history."""
    user = current_user(request)
    lifecycle_override(actor=user, pk=person_id, stage=payload.stage, reason=payload.reason)
    return _lifecycle(person_lifecycle(user=user, pk=person_id))
