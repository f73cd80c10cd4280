"""/models (the CRM models with their indicators' values and history) and
/indicators/{key}/people (the people behind a number, cursor-paged)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from rapport.api.auth import current_user
from rapport.api.pagination import paginate
from rapport.api.schemas import ErrorOut
from rapport.core.errors import NotFound
from rapport.core.indicators import indicator, parse_scope, scope_param
from rapport.people.api.schemas import PersonPage
from rapport.people.selectors import ListFilter, person_list, with_list_relations
from rapport.playbooks.models_catalog import MODELS, CrmModel
from rapport.playbooks.selectors import IndicatorState, StepState, model_get, playbook

router = Router(tags=["playbooks"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
SCOPE_HELP = "`workspace` (default), `team:<id>` or `owner:<id>`; always cut to what you may see."


class ScopeParams(Schema):
    scope: str = Field("workspace", description=SCOPE_HELP, max_length=40)


class DrilldownParams(ScopeParams):
    limit: int = Field(50, ge=1, le=200, description="Rows per page (at most 200).")
    cursor: str | None = Field(None, description="The opaque cursor from a previous page's `next`.")


class StepSummaryOut(Schema):
    key: str
    name: str


class ModelSummaryOut(Schema):
    key: str
    name: str
    summary: str
    steps: list[StepSummaryOut]
    supporting: list[StepSummaryOut]


class FeatureOut(Schema):
    label: str
    url: str


class PointOut(Schema):
    day: dt.date
    value: float | None


class IndicatorOut(Schema):
    key: str
    name: str
    definition: str
    unit: str
    better: Literal["higher", "lower"]
    value: float | None
    breakdown: dict[str, float]
    as_of: dt.date | None = Field(description="The snapshot's day; null when computed just now.")
    history: list[PointOut] = Field(
        description="Daily snapshots of the last 90 days, oldest first."
    )
    people: str | None = Field(description="The API URL of the people behind the number.")


class StepOut(Schema):
    key: str
    name: str
    explanation: str
    features: list[FeatureOut]
    indicators: list[IndicatorOut]


class ModelOut(Schema):
    key: str
    name: str
    summary: str
    scope: str
    steps: list[StepOut]
    supporting_label: str
    supporting: list[StepOut]


def _summary(model: CrmModel) -> dict[str, object]:
    return {
        "key": model.key, "name": model.name, "summary": model.summary,
        "steps": [{"key": s.key, "name": s.name} for s in model.steps],
        "supporting": [{"key": s.key, "name": s.name} for s in model.supporting],
    }  # fmt: skip


def _indicator_out(request: HttpRequest, state: IndicatorState, scope: str) -> dict[str, object]:
    item = state.indicator
    people = None
    if item.drilldown is not None:
        path = reverse("api:indicator_people", kwargs={"indicator_key": item.key})
        people = request.build_absolute_uri(f"{path}?scope={scope}")
    return {
        "key": item.key, "name": item.name, "definition": item.definition, "unit": item.unit,
        "better": item.better, "value": state.value, "breakdown": state.breakdown,
        "as_of": state.as_of, "history": [{"day": p.day, "value": p.value} for p in state.history],
        "people": people,
    }  # fmt: skip


def _step_out(request: HttpRequest, state: StepState, scope: str) -> dict[str, object]:
    step = state.step
    return {
        "key": step.key, "name": step.name, "explanation": step.explanation,
        "features": [{"label": f.label, "url": reverse(f.url_name)} for f in step.features],
        "indicators": [_indicator_out(request, i, scope) for i in state.indicators],
    }  # fmt: skip


@router.get("/models", response={200: list[ModelSummaryOut], **ERRORS}, summary="List CRM models")
def list_models(request: HttpRequest) -> list[dict[str, object]]:
    """The CRM models Rapport runs (IDIC, Buttle's value chain, Payne & Frow, QCI, Gartner)."""
    current_user(request)
    return [_summary(model) for model in MODELS.values()]


@router.get("/models/{model_key}", response={200: ModelOut, **ERRORS}, summary="Get a CRM model")
def get_model(
    request: HttpRequest, model_key: str, params: Query[ScopeParams]
) -> dict[str, object]:
    """A model's steps with their indicators: value (from the latest snapshot, or computed
    now), breakdown and 90 days of history, over the records you may see."""
    user = current_user(request)
    model = model_get(model_key)
    scope = parse_scope(params.scope, viewer=user)
    state = playbook(model=model, scope=scope)
    text = scope_param(scope)
    return {
        "key": model.key, "name": model.name, "summary": model.summary, "scope": text,
        "steps": [_step_out(request, s, text) for s in state.steps],
        "supporting_label": model.supporting_label,
        "supporting": [_step_out(request, s, text) for s in state.supporting],
    }  # fmt: skip


@router.get(
    "/indicators/{indicator_key}/people",
    response={200: PersonPage, **ERRORS},
    summary="List the people behind an indicator",
    url_name="indicator_people",
)
def indicator_people(
    request: HttpRequest, indicator_key: str, params: Query[DrilldownParams]
) -> dict[str, object]:
    """The people an indicator counts (or, for a share, the ones to act on: those not
    yet touched, not complete…), that you may see; newest change first."""
    user = current_user(request)
    found = indicator(indicator_key)
    if found is None or found.drilldown is None:
        raise NotFound("No such indicator, or it has no list of people.")
    parse_scope(params.scope, viewer=user)  # a bad scope is a 422 before any query
    flt = ListFilter(indicator=found.key, scope=params.scope)
    qs = with_list_relations(person_list(user=user, flt=flt), user=user).prefetch_related(
        "emails", "phones"
    )
    page = paginate(request, qs, sort=flt.sort, limit=params.limit)
    return {"results": page.items, "next": page.next_url}
