"""Maturity assessment and model questionnaire routes.

An assessment is about the workspace, so every signed-in role reads it; writers
answer it; managers and admins start and close rounds; only the admin makes the
recommended model the playbook's.
"""

from __future__ import annotations

from typing import Any

from rapport.assessments.models import Assessment
from tests.rapport.security.matrix import ADMIN, EVERYONE, WRITERS, Case, World

RUNNERS = {"admin", "manager"}


def extend_world(world: World) -> None:
    world.extra["assessment"] = Assessment.objects.create(
        title="Matrix round", created_by=world.users["manager"]
    )


def _pk(w: World) -> dict[str, Any]:
    return {"pk": w.extra["assessment"].pk}


def _closed(w: World) -> bool:
    w.extra["assessment"].refresh_from_db()
    return w.extra["assessment"].closed_at is not None


PAGES: dict[str, list[Case]] = {
    "assessments:list": [
        Case("GET", frozenset(EVERYONE)),
        # No title: the form comes back with an error (422) for those who may start one.
        Case("POST", frozenset(RUNNERS), data=lambda w: {"title": ""}),
    ],
    "assessments:detail": [Case("GET", frozenset(EVERYONE), kwargs=_pk)],
    "assessments:current_state": [Case("GET", frozenset(EVERYONE))],
    "assessments:answer": [
        Case("GET", frozenset(EVERYONE), kwargs=_pk),
        Case("POST", frozenset(WRITERS), kwargs=_pk, data=lambda w: {"score-gartner.vision": "3"}),
    ],
    "assessments:close": [Case("POST", frozenset(RUNNERS), kwargs=_pk, effect=_closed)],
    "assessments:choose_model": [
        Case("GET", frozenset(EVERYONE)),
        Case("POST", frozenset(WRITERS), data=lambda w: {"market": "b2c"}),
    ],
    "assessments:use_model": [
        Case("POST", frozenset(ADMIN), data=lambda w: {"primary_model": "qci"})
    ],
}

QUESTIONNAIRE = {"market": "b2b", "customers": "small", "team": "team", "buying": "project",
                 "goal": "keep"}  # fmt: skip

API: dict[tuple[str, str], Case] = {
    ("GET", "/assessments/statements"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/assessments"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/assessments"): Case(
        "POST", frozenset(RUNNERS), data=lambda w: {"title": "API round"}
    ),
    ("GET", "/assessments/{assessment_id}"): Case("GET", frozenset(EVERYONE)),
    ("PUT", "/assessments/{assessment_id}/answers"): Case(
        "PUT", frozenset(WRITERS), data=lambda w: {"scores": {"gartner.vision": 4}}
    ),
    ("POST", "/assessments/{assessment_id}/close"): Case(
        "POST", frozenset(RUNNERS), effect=_closed
    ),
    ("POST", "/assessments/model-recommendation"): Case(
        "POST", frozenset(WRITERS), data=lambda w: QUESTIONNAIRE
    ),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {"assessment_id": world.extra["assessment"].pk}
