"""Admin settings: custom field definitions for people and organisations."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.accounts.access import require_admin
from rapport.core.errors import ValidationFailed
from rapport.core.forms import add_service_errors
from rapport.core.web import current_user, translate_errors
from rapport.people.custom_field_services import (
    custom_field_create,
    custom_field_delete,
    custom_field_update,
)
from rapport.people.forms import CustomFieldForm
from rapport.people.models import CustomFieldDefinition, CustomFieldEntity


@translate_errors
@require_http_methods(["GET", "POST"])
def custom_field_list_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_admin(user)
    form = CustomFieldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            definition = custom_field_create(actor=user, data=form.to_service_data())
        except ValidationFailed as exc:
            add_service_errors(form, exc.detail)
        else:
            messages.success(request, f"Added the custom field “{definition.label}”.")
            return redirect("people:custom_field_list")
    definitions = list(CustomFieldDefinition.objects.all())
    groups = [
        (label, [d for d in definitions if d.entity == value])
        for value, label in CustomFieldEntity.choices
    ]
    status = 422 if form.is_bound else 200
    return render(
        request, "people/custom_fields.html", {"form": form, "groups": groups}, status=status
    )


@translate_errors
@require_http_methods(["GET", "POST"])
def custom_field_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_admin(user)
    definition = get_object_or_404(CustomFieldDefinition, pk=pk)
    form = CustomFieldForm(request.POST if request.method == "POST" else None, instance=definition)
    if request.method == "POST" and form.is_valid():
        try:
            custom_field_update(actor=user, definition=definition, data=form.to_service_data())
        except ValidationFailed as exc:
            add_service_errors(form, exc.detail)
        else:
            messages.success(request, f"Saved the custom field “{definition.label}”.")
            return redirect("people:custom_field_list")
    status = 422 if form.is_bound else 200
    context = {"form": form, "definition": definition}
    return render(request, "people/custom_field_form.html", context, status=status)


@translate_errors
@require_POST
def custom_field_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_admin(user)
    definition = get_object_or_404(CustomFieldDefinition, pk=pk)
    custom_field_delete(actor=user, definition=definition)
    messages.success(
        request, f"Deleted the custom field “{definition.label}”. Stored values are kept."
    )
    return redirect("people:custom_field_list")
