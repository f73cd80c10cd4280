"""The lifecycle panel on a person's page: the stage, its history, and setting it by hand."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.access import can_edit
from rapport.core.errors import ValidationFailed
from rapport.core.web import current_user, error_messages, translate_errors
from rapport.insights.selectors import person_lifecycle
from rapport.insights.services import lifecycle_override
from rapport.people.models import LifecycleStage


def _panel(request: HttpRequest, pk: int, errors: list[str] | None = None) -> HttpResponse:
    user = current_user(request)
    lifecycle = person_lifecycle(user=user, pk=pk)
    labels = dict(LifecycleStage.choices)
    context = {
        "lifecycle": lifecycle, "labels": labels, "stage_label": labels.get(lifecycle.stage, ""),
        "history": [(t, labels.get(t.from_stage, t.from_stage), labels.get(t.to_stage, t.to_stage))
                    for t in lifecycle.history],
        "can_override": can_edit(user, lifecycle.person), "stages": LifecycleStage.choices,
        "override_url": reverse("insights:lifecycle_override", args=[pk]), "errors": errors or [],
    }  # fmt: skip
    return render(request, "insights/_lifecycle_panel.html", context, status=422 if errors else 200)


@translate_errors
@require_GET
def person_lifecycle_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, pk)


@translate_errors
@require_POST
def lifecycle_override_view(request: HttpRequest, pk: int) -> HttpResponse:
    errors: list[str] = []
    try:
        lifecycle_override(actor=current_user(request), pk=pk,
                           stage=request.POST.get("stage", ""), reason=request.POST.get("reason", ""))  # fmt: skip
    except ValidationFailed as exc:
        errors = error_messages(exc)
    if request.headers.get("HX-Request") == "true" or errors:
        return _panel(request, pk, errors)
    return redirect("people:person_detail", pk=pk)
