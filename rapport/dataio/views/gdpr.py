"""GDPR tools on a person's page: export everything held, and erase (with confirmation)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.web import current_user, translate_errors
from rapport.dataio.gdpr import gdpr_person, may_use_gdpr_tools, person_erase, person_export
from rapport.dataio.models import Erasure
from rapport.people.selectors import person_detail

CONFIRM_WORD = "ERASE"


@translate_errors
@require_GET
def gdpr_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel on the person's page: empty for users who may not use the tools."""
    user = current_user(request)
    person = person_detail(user=user, pk=pk)
    erasure = Erasure.objects.filter(person_ref=person.pk).first()
    return render(request, "dataio/_gdpr_panel.html", {
        "person": person, "allowed": may_use_gdpr_tools(user, person), "erasure": erasure,
    })  # fmt: skip


@translate_errors
@require_POST
def gdpr_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = gdpr_person(user=user, pk=pk)
    response = HttpResponse(
        person_export(actor=user, person=person), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-data.zip"'
    return response


@translate_errors
@require_http_methods(["GET", "POST"])
def erase_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = gdpr_person(user=user, pk=pk)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() != CONFIRM_WORD:
            error = f"Type {CONFIRM_WORD} to confirm."
        else:
            person_erase(actor=user, person=person, reason=request.POST.get("reason", ""))
            messages.success(request, "The person's personal data has been erased.")
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "dataio/erase_confirm.html",
                  {"person": person, "error": error, "confirm_word": CONFIRM_WORD},
                  status=422 if error else 200)  # fmt: skip
