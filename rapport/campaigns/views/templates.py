"""E-mail template pages: list, add, edit (with a live preview), delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.accounts.access import can_write, require_writer
from rapport.campaigns import merge
from rapport.campaigns.forms import TemplateForm
from rapport.campaigns.mailer import Content, people_for_rendering, render_for
from rapport.campaigns.models import EmailTemplate, TemplateKind
from rapport.campaigns.selectors import template_get, template_list
from rapport.campaigns.services.templates import (
    can_change_template,
    merge_field_groups,
    person_custom_keys,
    template_create,
    template_delete,
    template_update,
)
from rapport.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from rapport.core.forms import add_service_errors
from rapport.core.web import current_user, translate_errors
from rapport.people.selectors import ListFilter, person_list

TEXT_PARTS = ("subject", "body_text", "body_html")


@translate_errors
def template_list_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(request, "campaigns/template_list.html",
                  {"templates": template_list(user=user), "can_write": can_write(user)})  # fmt: skip


def _save(
    form: TemplateForm, write: Callable[[dict[str, Any]], EmailTemplate]
) -> EmailTemplate | None:
    if not form.is_valid():
        return None
    try:
        return write(form.to_service_data())
    except StaleVersion as exc:
        form.add_error(None, str(exc.detail))
    except ValidationFailed as exc:
        add_service_errors(form, exc.detail)
    return None


@translate_errors
@require_http_methods(["GET", "POST"])
def template_create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_writer(user)
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        saved = _save(form, lambda data: template_create(actor=user, data=data))
        if saved is not None:
            messages.success(request, f"Saved the template {saved.name}.")
            return redirect("campaigns:template_edit", pk=saved.pk)
    return render(request, "campaigns/template_form.html",
                  {"form": form, "merge_fields": merge_field_groups()},
                  status=422 if request.method == "POST" else 200)  # fmt: skip


@translate_errors
@require_http_methods(["GET", "POST"])
def template_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor for those who may change the template; everyone else reads it."""
    user = current_user(request)
    template = template_get(user=user, pk=pk)
    if not can_change_template(user, template):
        if request.method == "POST":
            raise PermissionDenied("You may see this template but not change it.")
        return render(request, "campaigns/template_detail.html", {"record": template})
    initial = {
        f: getattr(template, f) for f in ("name", "kind", "subject", "body_text", "body_html")
    }
    form = TemplateForm(request.POST or None, initial={**initial, "version": template.version})
    if request.method == "POST":
        saved = _save(form, lambda data: template_update(
            actor=user, template=template, data=data, expected_version=form.cleaned_data.get("version")
        ))  # fmt: skip
        if saved is not None:
            messages.success(request, f"Saved the template {saved.name}.")
            return redirect("campaigns:template_edit", pk=saved.pk)
    return render(request, "campaigns/template_form.html",
                  {"form": form, "record": template, "merge_fields": merge_field_groups()},
                  status=422 if request.method == "POST" else 200)  # fmt: skip


@translate_errors
@require_POST
def template_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    template = template_get(user=user, pk=pk)
    template_delete(actor=user, template=template)
    messages.success(request, f"Deleted the template {template.name}.")
    return redirect("campaigns:template_list")


@translate_errors
@require_POST
def template_preview_view(request: HttpRequest) -> HttpResponse:
    """The form's template rendered for a sample person the user may see (HTMX fragment)."""
    user = current_user(request)
    form = TemplateForm(request.POST)
    form.is_valid()
    data = {
        k: form.cleaned_data.get(k) or "" for k in ("kind", "subject", "body_text", "body_html")
    }
    keys = person_custom_keys()
    errors = [e for f in TEXT_PARTS for e in merge.template_errors(data[f], custom_keys=keys)]
    people = people_for_rendering(person_list(user=user, flt=ListFilter()))
    sample = None
    if any(p.name.startswith("scores.") for f in TEXT_PARTS for p in merge.placeholders(data[f])):
        # Show the values with someone who has them, when anyone visible has been scored.
        sample = people.filter(customer_scores__is_latest=True).first()
    sample = sample or people.first()
    rendered = None
    if sample is not None and not errors:
        content = Content(data["subject"], data["body_text"], data["body_html"])
        link = (
            "https://example.invalid/unsubscribe"
            if data["kind"] == TemplateKind.MARKETING
            else None
        )
        rendered = render_for(content, sample, unsubscribe=link)
    return render(request, "campaigns/_preview.html",
                  {"rendered": rendered, "errors": errors, "sample": sample, "problem": None})  # fmt: skip
