"""Pages: assessment rounds (start, answer, results with radar), and "which model fits us?"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.accounts.access import can_write
from rapport.assessments import selectors
from rapport.assessments.catalog import FRAMEWORKS, STATEMENTS
from rapport.assessments.chooser import QUESTIONS
from rapport.assessments.current_state import current_state
from rapport.assessments.services import (
    assessment_answer,
    assessment_close,
    assessment_create,
    can_run_assessments,
    model_questionnaire_submit,
)
from rapport.core.errors import ValidationFailed
from rapport.core.web import current_user, error_messages, translate_errors
from rapport.playbooks.models import PlaybookSettings
from rapport.playbooks.models_catalog import MODELS

LEVELS = ("1 · Absent", "2 · Starting", "3 · Defined", "4 · Managed", "5 · Optimised")


@translate_errors
@require_http_methods(["GET", "POST"])
def assessment_list_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    errors: list[str] = []
    if request.method == "POST":
        try:
            assessment = assessment_create(actor=user, title=request.POST.get("title", ""))
        except ValidationFailed as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, f"Started “{assessment.title}”. Ask your team to answer it.")
            return redirect("assessments:answer", pk=assessment.pk)
    history = selectors.assessment_history(user=user)
    context = {
        "rounds": list(selectors.assessment_list(user=user)[:50]),
        "history": history,
        "frameworks": FRAMEWORKS,
        "can_run": can_run_assessments(user),
        "errors": errors,
        "title": request.POST.get("title", ""),
    }
    return render(request, "assessments/list.html", context, status=422 if errors else 200)


@translate_errors
def assessment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    assessment = selectors.assessment_get(user=user, pk=pk)
    results = selectors.assessment_results(user=user, assessment=assessment)
    context = {
        "assessment": assessment,
        "results": results,
        "radars": [(f, f.radar()) for f in results.frameworks],
        "can_answer": assessment.is_open and can_write(user),
        "can_run": can_run_assessments(user),
        "answered": len(selectors.my_answers(user=user, assessment=assessment)),
        "total": len(STATEMENTS),
    }
    return render(request, "assessments/detail.html", context)


@translate_errors
@require_http_methods(["GET", "POST"])
def assessment_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    assessment = selectors.assessment_get(user=user, pk=pk)
    field_errors: dict[str, list[str]] = {}
    errors: list[str] = []
    if request.method == "POST":
        scores = {s.key: request.POST.get(f"score-{s.key}", "") for s in STATEMENTS}
        notes = {s.key: request.POST.get(f"note-{s.key}", "") for s in STATEMENTS}
        try:
            count = assessment_answer(actor=user, assessment=assessment, scores=scores, notes=notes)
        except ValidationFailed as exc:
            if isinstance(exc.detail, dict):
                field_errors = exc.detail
            errors = (
                ["Some answers could not be saved; see below."]
                if field_errors
                else error_messages(exc)
            )
        else:
            messages.success(
                request, f"Saved: you have answered {count} of {len(STATEMENTS)} statements."
            )
            return redirect("assessments:detail", pk=assessment.pk)
    mine = selectors.my_answers(user=user, assessment=assessment)
    sections = []
    for key, name in FRAMEWORKS.items():
        rows = []
        for statement in (s for s in STATEMENTS if s.framework == key):
            answer = mine.get(statement.key)
            chosen = (
                request.POST.get(f"score-{statement.key}")
                if request.method == "POST"
                else (str(answer.score) if answer else "")
            )
            note = (
                request.POST.get(f"note-{statement.key}", "")
                if request.method == "POST"
                else (answer.note if answer else "")
            )
            rows.append(
                {
                    "statement": statement,
                    "chosen": chosen,
                    "note": note,
                    "levels": [
                        (str(i + 1), LEVELS[i], text) for i, text in enumerate(statement.levels)
                    ],
                    "errors": field_errors.get(statement.key, []),
                }
            )
        sections.append((name, rows))
    context = {
        "assessment": assessment,
        "sections": sections,
        "errors": errors,
        "can_answer": assessment.is_open and can_write(user),
    }
    return render(request, "assessments/answer.html", context, status=422 if errors else 200)


@translate_errors
@require_POST
def assessment_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    assessment = selectors.assessment_get(user=user, pk=pk)
    assessment_close(actor=user, assessment=assessment)
    messages.success(
        request, f"Closed “{assessment.title}”: it stays here to compare with the next one."
    )
    return redirect("assessments:detail", pk=assessment.pk)


@translate_errors
@require_http_methods(["GET", "POST"])
def model_chooser_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    advice = None
    field_errors: dict[str, list[str]] = {}
    answers = {key: request.POST.get(key, "") for key in QUESTIONS}
    if request.method == "POST":
        try:
            _, advice = model_questionnaire_submit(actor=user, answers=answers)
        except ValidationFailed as exc:
            field_errors = exc.detail if isinstance(exc.detail, dict) else {"": error_messages(exc)}
    context = {
        "questions": [
            (key, text, list(choices.items()), answers.get(key, ""), field_errors.get(key, []))
            for key, (text, choices) in QUESTIONS.items()
        ],
        "advice": advice,
        "model_names": _model_names(),
        "can_write": can_write(user),
        "is_admin": user.is_admin,
        "recent": list(selectors.questionnaires(user=user)),
    }
    return render(
        request, "assessments/choose_model.html", context, status=422 if field_errors else 200
    )


@translate_errors
@require_http_methods(["GET"])
def current_state_view(request: HttpRequest) -> HttpResponse:
    """The one-click audit; printing it (or "Download PDF") gives the PDF, through the print stylesheet."""
    user = current_user(request)
    return render(request, "assessments/current_state.html", {"state": current_state(user=user)})


@translate_errors
@require_POST
def model_use_view(request: HttpRequest) -> HttpResponse:
    """An admin takes the advice: the model becomes the playbook's primary model."""
    from rapport.playbooks.services import playbook_settings_update

    user = current_user(request)
    key = request.POST.get("primary_model", "")
    current = PlaybookSettings.current()
    playbook_settings_update(actor=user, primary_model=key, profile_fields=current.profile_fields)
    messages.success(request, f"The playbook now follows {MODELS[key].name}.")
    return redirect("playbooks:playbook")


def _model_names() -> dict[str, str]:
    return {key: model.name for key, model in MODELS.items()}
