"""Writes: start and close an assessment round, answer it, ask which model fits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.accounts.access import require_writer
from rapport.accounts.models import Role, User
from rapport.assessments.catalog import STATEMENTS_BY_KEY
from rapport.assessments.chooser import InvalidAnswers, Recommendation, recommend
from rapport.assessments.models import Assessment, AssessmentAnswer, ModelQuestionnaire
from rapport.core.errors import PermissionDenied, ValidationFailed
from rapport.core.events import emit
from rapport.core.models import AuditAction

MAX_NOTE = 2000


def can_run_assessments(user: User) -> bool:
    """Managers and admins start and close rounds and see everyone's answers."""
    return user.is_active and (user.is_admin or user.role == Role.MANAGER)


def _require_runner(user: User) -> None:
    if not can_run_assessments(user):
        raise PermissionDenied("Only a manager or an admin can start or close an assessment.")


@transaction.atomic
def assessment_create(*, actor: User, title: str) -> Assessment:
    _require_runner(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed({"title": ["Give the assessment a title, e.g. “Spring 2027”."]})
    if len(title) > 200:
        raise ValidationFailed({"title": ["At most 200 characters."]})
    assessment = Assessment.objects.create(title=title, created_by=actor)
    emit("assessment.created", entity_type="assessment", entity_ids=[assessment.pk], actor=actor,
         fields=["title"], audit=AuditAction.CREATE)  # fmt: skip
    return assessment


@transaction.atomic
def assessment_close(*, actor: User, assessment: Assessment) -> Assessment:
    _require_runner(actor)
    if assessment.closed_at is None:
        assessment.closed_at = timezone.now()
        assessment.save(update_fields=["closed_at"])
        emit("assessment.closed", entity_type="assessment", entity_ids=[assessment.pk],
             actor=actor, fields=["closed_at"], audit=AuditAction.UPDATE)  # fmt: skip
    return assessment


def _score(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= 5 else None
    text = str(raw).strip()
    return int(text) if text in {"1", "2", "3", "4", "5"} else None


def _clean_scores(
    scores: Mapping[str, Any], notes: Mapping[str, str]
) -> dict[str, tuple[int, str]]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, tuple[int, str]] = {}
    for key, raw in scores.items():
        if key not in STATEMENTS_BY_KEY:
            errors[key] = ["No such statement."]
            continue
        if raw in (None, ""):
            continue  # not answered (yet): allowed, answers can come in several sittings
        score = _score(raw)
        if score is None:
            errors[key] = ["Choose a score from 1 to 5."]
            continue
        note = str(notes.get(key) or "").strip()
        if len(note) > MAX_NOTE:
            errors[key] = [f"Notes are at most {MAX_NOTE} characters."]
            continue
        cleaned[key] = (score, note)
    unknown_notes = set(notes) - set(STATEMENTS_BY_KEY)
    for key in unknown_notes:
        errors[key] = ["No such statement."]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transaction.atomic
def assessment_answer(
    *,
    actor: User,
    assessment: Assessment,
    scores: Mapping[str, Any],
    notes: Mapping[str, str] | None = None,
) -> int:
    """Store ``actor``'s scores (statement key → 1..5); a statement answered again is replaced.

    Returns how many statements the actor has answered in this round.
    """
    require_writer(actor)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_open:
        raise ValidationFailed("This assessment is closed; start a new one to answer again.")
    cleaned = _clean_scores(scores, notes or {})
    now = timezone.now()
    for key, (score, note) in cleaned.items():
        AssessmentAnswer.objects.update_or_create(
            assessment=locked, respondent=actor, statement_key=key,
            defaults={"score": score, "note": note, "answered_at": now},
        )  # fmt: skip
    if cleaned:
        emit("assessment.answered", entity_type="assessment", entity_ids=[locked.pk], actor=actor,
             fields=sorted(cleaned))  # fmt: skip
    return AssessmentAnswer.objects.filter(assessment=locked, respondent=actor).count()


@transaction.atomic
def model_questionnaire_submit(
    *, actor: User, answers: Mapping[str, str]
) -> tuple[ModelQuestionnaire, Recommendation]:
    """Recommend a CRM model for these answers and keep the answers with the advice."""
    require_writer(actor)
    clean = {k: str(v) for k, v in answers.items() if isinstance(v, str)}
    try:
        advice = recommend(clean)
    except InvalidAnswers as exc:
        raise ValidationFailed({k: [v] for k, v in exc.errors.items()}) from exc
    row = ModelQuestionnaire.objects.create(
        answered_by=actor, answers=clean, recommended=advice.model
    )
    return row, advice
