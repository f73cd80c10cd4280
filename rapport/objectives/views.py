"""Pages: objectives per model step, one objective's progress chart, the form to set one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.access import can_write
from rapport.accounts.models import User
from rapport.core.errors import ValidationFailed
from rapport.core.indicators import indicator, indicators
from rapport.core.web import current_user, translate_errors
from rapport.objectives import selectors
from rapport.objectives.services import objective_create, objective_delete, objective_update
from rapport.playbooks.selectors import primary_model

FORM_FIELDS = ("title", "indicator", "scope", "target", "deadline", "owner")


@translate_errors
@require_GET
def objective_list_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    model = primary_model()
    rows = selectors.objective_list(user=user)
    return render(request, "objectives/list.html", {
        "model": model, "groups": selectors.objectives_by_step(rows, model), "count": len(rows),
        "can_set": bool(selectors.settable_scopes(user)),
    })  # fmt: skip


def _target_from_form(raw: str, key: str) -> str | float:
    """Shares are typed as percentages on the page (80 means 80 %), stored as 0–1."""
    found = indicator(key)
    if found is not None and found.unit == "share":
        try:
            return float(raw.strip().rstrip("%")) / 100
        except ValueError:
            return raw
    return raw


def _owner_from_form(raw: str) -> User | None:
    return User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None


@translate_errors
@require_http_methods(["GET", "POST"])
def objective_create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    values = {f: request.POST.get(f, request.GET.get(f, "")) for f in FORM_FIELDS}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {**values, "target": _target_from_form(values["target"], values["indicator"]),
                "owner": _owner_from_form(values["owner"]) or user}  # fmt: skip
        try:
            objective = objective_create(actor=user, data=data)
        except ValidationFailed as exc:
            errors = exc.detail if isinstance(exc.detail, dict) else {"": [str(exc.detail)]}
        else:
            messages.success(request, f"Objective set: {objective.title}.")
            return redirect("objectives:detail", pk=objective.pk)
    return render(request, "objectives/form.html", {
        "values": values, "errors": errors,
        "indicators": indicators(), "scopes": selectors.settable_scopes(user),
        "owners": User.objects.filter(is_active=True).order_by("username"),
    }, status=422 if errors else 200)  # fmt: skip


@translate_errors
@require_http_methods(["GET", "POST"])
def objective_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    detail = selectors.objective_detail(user=user, pk=pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        objective = detail.row.objective
        data = {
            "title": request.POST.get("title", ""),
            "target": _target_from_form(request.POST.get("target", ""), objective.indicator),
            "deadline": request.POST.get("deadline", ""),
            "owner": _owner_from_form(request.POST.get("owner", "")) or objective.owner,
        }
        version = request.POST.get("version", "")
        try:
            objective_update(actor=user, objective=objective, data=data,
                             expected_version=int(version) if version.isdigit() else None)  # fmt: skip
        except ValidationFailed as exc:
            errors = exc.detail if isinstance(exc.detail, dict) else {"": [str(exc.detail)]}
        else:
            messages.success(request, "Saved.")
            return redirect("objectives:detail", pk=pk)
    return render(request, "objectives/detail.html", {
        "detail": detail, "row": detail.row, "objective": detail.row.objective, "errors": errors,
        "owners": User.objects.filter(is_active=True).order_by("username"),
        "can_write": can_write(user),
    }, status=422 if errors else 200)  # fmt: skip


@translate_errors
@require_POST
def objective_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    objective = selectors.objective_get(user=user, pk=pk)
    objective_delete(actor=user, objective=objective)
    messages.success(request, f"Removed the objective “{objective.title}”.")
    return redirect("objectives:list")
