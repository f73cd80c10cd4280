"""/objectives: list, read, set, change and remove objectives on indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from rapport.accounts.models import User
from rapport.api.auth import current_user
from rapport.api.concurrency import expected_version
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.api.types import DbId, QueryId
from rapport.core.errors import ValidationFailed
from rapport.objectives import selectors
from rapport.objectives.selectors import ObjectiveRow
from rapport.objectives.services import objective_create, objective_delete, objective_update

router = Router(tags=["objectives"])


class PointOut(Schema):
    day: dt.date
    value: float


class ObjectiveOut(Schema):
    id: int
    title: str
    indicator: str
    scope: str = Field(description="workspace, team:<id> or owner:<id>")
    baseline: float
    target: float
    start: dt.date
    deadline: dt.date
    owner_id: int
    status: str = Field(description="on_track, at_risk, off_track, achieved or missed, as of today")
    latest: float
    progress: float = Field(description="Share of the way from baseline to target covered.")
    expected: float = Field(description="Share the straight path expects by now.")
    projected: float | None = Field(description="The trend's value at the deadline, if any.")
    version: int


class ObjectiveDetailOut(ObjectiveOut):
    history: list[PointOut]


class ObjectiveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    indicator: str = Field(max_length=80)
    scope: str = Field("workspace", max_length=40)
    target: float = Field(description="In the indicator's unit: a share is 0–1.")
    deadline: dt.date
    owner_id: DbId | None = Field(None, description="Defaults to you.")


class ObjectivePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=200)
    target: float | None = None
    deadline: dt.date | None = None
    owner_id: DbId | None = None


def _out(row: ObjectiveRow) -> dict[str, Any]:
    o, p = row.objective, row.progress
    scope = "workspace" if o.scope_kind == "workspace" else f"{o.scope_kind}:{o.scope_id}"
    return {"id": o.pk, "title": o.title, "indicator": o.indicator, "scope": scope,
            "baseline": o.baseline, "target": o.target, "start": o.start, "deadline": o.deadline,
            "owner_id": o.owner_id, "status": p.status, "latest": p.latest, "progress": p.progress,
            "expected": p.expected, "projected": p.projected, "version": o.version}  # fmt: skip


def _owner(owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise ValidationFailed({"owner_id": ["No such active user."]})
    return owner


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    detail = selectors.objective_detail(user=current_user(request), pk=pk)
    return {
        **_out(detail.row),
        "history": [{"day": p.day, "value": p.value} for p in detail.points],
    }


@router.get("/objectives", response={200: list[ObjectiveOut], **ERRORS}, summary="List objectives")
def list_objectives(request: HttpRequest) -> list[dict[str, Any]]:
    """The objectives you may see (their scope's numbers are yours to read, or you own them)."""
    return [_out(row) for row in selectors.objective_list(user=current_user(request))]


@router.post(
    "/objectives", response={201: ObjectiveDetailOut, **WRITE_ERRORS}, summary="Set an objective"
)
def create_objective(
    request: HttpRequest, payload: ObjectiveIn, response: HttpResponse
) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    data["owner"] = _owner(data.pop("owner_id"))
    objective = objective_create(actor=current_user(request), data=data)
    response["Location"] = request.build_absolute_uri(f"{request.path}/{objective.pk}")
    return Status(201, _detail(request, objective.pk))


@router.get(
    "/objectives/{objective_id}",
    response={200: ObjectiveDetailOut, **ERRORS},
    summary="Get an objective",
)
def get_objective(request: HttpRequest, objective_id: QueryId) -> dict[str, Any]:
    return _detail(request, objective_id)


@router.patch("/objectives/{objective_id}", response={200: ObjectiveDetailOut, **WRITE_ERRORS},
              summary="Change an objective")  # fmt: skip
def update_objective(
    request: HttpRequest, objective_id: QueryId, payload: ObjectivePatch
) -> dict[str, Any]:
    """Send only what changes; the baseline, indicator and scope stay. Honours `If-Match: <version>`."""
    user = current_user(request)
    objective = selectors.objective_get(user=user, pk=objective_id)
    data = payload.model_dump(exclude_unset=True)
    if "owner_id" in data:
        data["owner"] = _owner(data.pop("owner_id")) or objective.owner
    objective_update(
        actor=user,
        objective=objective,
        data=data,
        expected_version=expected_version(request, objective),
    )
    return _detail(request, objective_id)


@router.delete(
    "/objectives/{objective_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an objective",
)
def delete_objective(request: HttpRequest, objective_id: QueryId) -> Status[None]:
    user = current_user(request)
    objective_delete(actor=user, objective=selectors.objective_get(user=user, pk=objective_id))
    return Status(204, None)
