"""E-mail from a person's page: the panel, the compose form with preview, and the
upload of received messages (.eml)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rapport.accounts.access import access_record, can_edit, require_writer
from rapport.campaigns.forms import ComposeForm, UploadForm
from rapport.campaigns.models import InboundSource
from rapport.campaigns.selectors import person_emails
from rapport.campaigns.services.inbound import ingest
from rapport.campaigns.services.single import email_preview, email_queue
from rapport.campaigns.services.templates import merge_field_groups, templates_usable
from rapport.core.errors import ValidationFailed
from rapport.core.forms import add_service_errors
from rapport.core.htmx import htmx_partial
from rapport.core.web import current_user, translate_errors
from rapport.people.models import Person
from rapport.people.selectors import person_detail

MAX_UPLOAD_BYTES = 25 * 1024 * 1024


@translate_errors
@require_GET
def person_email_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = person_detail(user=user, pk=pk)
    return render(request, "campaigns/_person_panel.html", {
        "person": person, "emails": person_emails(person), "can_email": can_edit(user, person),
    })  # fmt: skip


@translate_errors
@require_http_methods(["GET", "POST"])
def person_email_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Compose: choose a template or write a message, preview it, send it."""
    user = current_user(request)
    require_writer(user)
    person = access_record(Person.objects.all(), user, pk=pk, for_write=True)
    form = ComposeForm(request.POST or None, templates=templates_usable(user))
    context = {"person": person, "form": form, "rendered": None, "problem": None, "errors": [],
               "merge_fields": merge_field_groups()}  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.to_service_data()
        try:
            if request.POST.get("action") == "send":
                message = email_queue(actor=user, person=person, data=data)
                messages.success(
                    request, f"E-mail to {message.to_address} queued: “{message.subject}”."
                )
                return redirect("people:person_detail", pk=person.pk)
            context["rendered"], context["problem"] = email_preview(
                actor=user, person=person, data=data
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.detail)
    if htmx_partial(request):
        return render(request, "campaigns/_preview.html", {**context, "sample": person,
                      "errors": [e for errs in form.errors.values() for e in errs]})  # fmt: skip
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "campaigns/compose.html", context, status=status)


@translate_errors
@require_http_methods(["GET", "POST"])
def inbound_upload_view(request: HttpRequest) -> HttpResponse:
    """Log received messages (.eml files) to the people they concern."""
    user = current_user(request)
    require_writer(user)
    form = UploadForm(request.POST or None, request.FILES or None)
    results: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        for upload in form.cleaned_data["eml"]:
            if upload.size > MAX_UPLOAD_BYTES:
                results.append((upload.name, "too large (over 25 MB), skipped"))
                continue
            inbound, created = ingest(upload.read(), source=InboundSource.UPLOAD, actor=user)
            who = ", ".join(p.full_name for p in inbound.people.all()) or "nobody known"
            kind = "bounce" if inbound.is_bounce else "message"
            results.append(
                (upload.name, f"{kind} logged for {who}" if created else "already logged")
            )
    return render(request, "campaigns/inbound_upload.html", {"form": form, "results": results},
                  status=422 if request.method == "POST" and form.errors else 200)  # fmt: skip
