"""Pages: the playbook (a model's steps with live indicators) and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rapport.activities.selectors import group_tasks, my_open_tasks
from rapport.core.errors import ValidationFailed
from rapport.core.indicators import Scope, parse_scope, scope_param
from rapport.core.web import current_user, error_messages, translate_errors
from rapport.playbooks.annotations import annotations_for
from rapport.playbooks.models import PROFILE_FIELDS, PlaybookSettings
from rapport.playbooks.models_catalog import MODELS
from rapport.playbooks.next_actions import next_actions
from rapport.playbooks.selectors import (
    default_scope,
    model_get,
    playbook,
    primary_model,
    scope_choices,
)
from rapport.playbooks.services import playbook_settings_update


@translate_errors
@require_GET
def playbook_view(request: HttpRequest, model_key: str = "") -> HttpResponse:
    user = current_user(request)
    model = model_get(model_key) if model_key else primary_model()
    raw_scope = request.GET.get("scope", "")
    scope = parse_scope(raw_scope, viewer=user) if raw_scope else default_scope(user)
    board = playbook(model=model, scope=scope)
    keys = [i.indicator.key for step in [*board.steps, *board.supporting] for i in step.indicators]
    notes = annotations_for(user, keys)
    for step in [*board.steps, *board.supporting]:
        for state in step.indicators:
            state.notes = notes.get(state.indicator.key, [])
    return render(request, "playbooks/playbook.html", {
        "playbook": board,
        "annotations": notes,
        "next_actions": next_actions(board, notes, scope_param(scope)),
        "models": list(MODELS.values()),
        "primary_key": PlaybookSettings.current().primary_model,
        "scope_value": scope_param(scope),
        "scopes": [(scope_param(s), label) for s, label in scope_choices(user)],
    })  # fmt: skip


@translate_errors
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.is_admin:
        raise DjangoPermissionDenied("Only an admin can change the playbook settings.")
    errors: list[str] = []
    if request.method == "POST":
        try:
            playbook_settings_update(
                actor=user,
                primary_model=request.POST.get("primary_model", ""),
                profile_fields=request.POST.getlist("profile_fields"),
            )
        except ValidationFailed as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, "Saved.")
            return redirect("playbooks:settings")
    return render(request, "playbooks/settings.html", {
        "settings": PlaybookSettings.current(), "models": list(MODELS.values()),
        "fields": list(PROFILE_FIELDS.items()), "errors": errors,
    }, status=422 if errors else 200)  # fmt: skip


@translate_errors
@require_GET
def my_work_view(request: HttpRequest) -> HttpResponse:
    """A rep's home: their tasks, the primary model's indicators over their own records,
    their objectives, and what to do next about them."""
    user = current_user(request)
    scope = Scope("owner", user.pk, user)
    board = playbook(model=primary_model(), scope=scope)
    keys = [i.indicator.key for step in [*board.steps, *board.supporting] for i in step.indicators]
    notes = annotations_for(user, keys)
    for step in [*board.steps, *board.supporting]:
        for state in step.indicators:
            state.notes = notes.get(state.indicator.key, [])
    groups = group_tasks(my_open_tasks(user))
    return render(request, "playbooks/my_work.html", {
        "playbook": board,
        "scope_value": scope_param(scope),
        "next_actions": next_actions(board, notes, scope_param(scope)),
        "task_sections": [("Overdue", groups.overdue), ("Today", groups.today), ("Upcoming", groups.upcoming[:10])],
        "open_tasks": groups.total,
        "my_objectives": [n for ns in notes.values() for n in ns],
    })  # fmt: skip
