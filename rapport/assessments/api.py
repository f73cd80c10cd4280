"""/assessments: the maturity statements, rounds, their results, my answers, and which model fits."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from rapport.api.auth import current_user
from rapport.api.responses import ERRORS
from rapport.api.types import QueryId
from rapport.assessments import selectors
from rapport.assessments.catalog import STATEMENTS
from rapport.assessments.services import (
    assessment_answer,
    assessment_close,
    assessment_create,
    model_questionnaire_submit,
)

router = Router(tags=["assessments"])


class StatementOut(Schema):
    key: str
    framework: str
    area: str
    text: str
    levels: list[str] = Field(description="What scores 1 to 5 look like, in order.")
    features: list[str] = Field(description="URL names of the pages that address it.")
    indicators: list[str] = Field(description="Indicator keys shown as evidence.")


class AssessmentOut(Schema):
    id: int
    title: str
    created_by: str
    created_at: dt.datetime
    closed_at: dt.datetime | None


class EvidenceOut(Schema):
    indicator: str
    name: str
    value: float | None
    unit: str


class StatementResultOut(Schema):
    key: str
    area: str
    count: int
    mean: float | None
    low: int | None = Field(description="Lowest score: managers and admins only, else null.")
    high: int | None = Field(description="Highest score: managers and admins only, else null.")
    mine: int | None
    weak: bool
    evidence: list[EvidenceOut]


class FrameworkResultOut(Schema):
    key: str
    name: str
    areas: dict[str, float | None] = Field(description="Mean score per area (the radar).")
    statements: list[StatementResultOut]


class AssessmentResultsOut(AssessmentOut):
    respondents: int
    frameworks: list[FrameworkResultOut]


class AssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)


class AnswersIn(Schema):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, int] = Field(description="Statement key → score 1..5; others are kept.")
    notes: dict[str, str] = Field(default_factory=dict, description="Statement key → note.")


class AnswersOut(Schema):
    answered: int = Field(description="Statements you have answered in this round.")


class QuestionnaireIn(Schema):
    model_config = ConfigDict(extra="forbid")

    market: str
    customers: str
    team: str
    buying: str
    goal: str


class RecommendationOut(Schema):
    model: str
    scores: dict[str, int]
    reasons: list[str]


def _out(a: object) -> dict[str, object]:
    return {"id": a.pk, "title": a.title, "created_by": a.created_by.get_username(),  # type: ignore[attr-defined]
            "created_at": a.created_at, "closed_at": a.closed_at}  # type: ignore[attr-defined]  # fmt: skip


@router.get("/assessments/statements", response={200: list[StatementOut], **ERRORS},
            summary="The maturity statements")  # fmt: skip
def list_statements(request: HttpRequest) -> list[dict[str, object]]:
    current_user(request)
    return [{"key": s.key, "framework": s.framework, "area": s.area, "text": s.text,
             "levels": list(s.levels), "features": list(s.features), "indicators": list(s.indicators)}
            for s in STATEMENTS]  # fmt: skip


@router.get(
    "/assessments", response={200: list[AssessmentOut], **ERRORS}, summary="List assessment rounds"
)
def list_assessments(request: HttpRequest) -> list[dict[str, object]]:
    """Every round, newest first (at most 100)."""
    return [_out(a) for a in selectors.assessment_list(user=current_user(request))[:100]]


@router.post(
    "/assessments", response={201: AssessmentOut, **ERRORS}, summary="Start an assessment round"
)
def create_assessment(
    request: HttpRequest, payload: AssessmentIn, response: HttpResponse
) -> Status[dict[str, object]]:
    """Managers and admins only."""
    assessment = assessment_create(actor=current_user(request), title=payload.title)
    response["Location"] = request.build_absolute_uri(f"{request.path}/{assessment.pk}")
    return Status(201, _out(assessment))


# Before the {assessment_id} routes, which would otherwise take this path.
@router.post("/assessments/model-recommendation", response={200: RecommendationOut, **ERRORS},
             summary="Which CRM model fits these answers")  # fmt: skip
def recommend_model(request: HttpRequest, payload: QuestionnaireIn) -> dict[str, object]:
    """Answers: market b2c|b2b|both; customers small|medium|large; team solo|team|org;
    buying repeat|project; goal know|keep|win|align|measure. The answers are kept."""
    _, advice = model_questionnaire_submit(
        actor=current_user(request), answers=payload.model_dump()
    )
    return {"model": advice.model, "scores": advice.scores, "reasons": advice.reasons}


@router.get("/assessments/{assessment_id}", response={200: AssessmentResultsOut, **ERRORS},
            summary="An assessment's results")  # fmt: skip
def get_assessment(request: HttpRequest, assessment_id: QueryId) -> dict[str, object]:
    user = current_user(request)
    assessment = selectors.assessment_get(user=user, pk=assessment_id)
    results = selectors.assessment_results(user=user, assessment=assessment)
    frameworks = [
        {"key": f.key, "name": f.name, "areas": {a.area: a.mean for a in f.areas},
         "statements": [
             {"key": s.statement.key, "area": s.statement.area, "count": s.count, "mean": s.mean,
              "low": s.low, "high": s.high, "mine": s.mine, "weak": s.weak,
              "evidence": [{"indicator": e.key, "name": e.label, "value": e.value, "unit": e.unit}
                           for e in s.evidence]}
             for a in f.areas for s in a.statements]}
        for f in results.frameworks
    ]  # fmt: skip
    return {**_out(assessment), "respondents": results.respondents, "frameworks": frameworks}


@router.put("/assessments/{assessment_id}/answers", response={200: AnswersOut, **ERRORS},
            summary="Save my answers")  # fmt: skip
def put_answers(request: HttpRequest, assessment_id: QueryId, payload: AnswersIn) -> dict[str, int]:
    """Your scores for some or all statements; a statement sent again replaces your score."""
    user = current_user(request)
    assessment = selectors.assessment_get(user=user, pk=assessment_id)
    count = assessment_answer(
        actor=user, assessment=assessment, scores=payload.scores, notes=payload.notes
    )
    return {"answered": count}


@router.post("/assessments/{assessment_id}/close", response={200: AssessmentOut, **ERRORS},
             summary="Close an assessment round")  # fmt: skip
def close_assessment(request: HttpRequest, assessment_id: QueryId) -> dict[str, object]:
    user = current_user(request)
    assessment = selectors.assessment_get(user=user, pk=assessment_id)
    return _out(assessment_close(actor=user, assessment=assessment))
