"""Pages: the customer portfolio, recompute with progress, value panels, strategic flags."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.access import can_edit
from rapport.core.errors import ValidationFailed
from rapport.core.web import current_user, error_messages, safe_next, translate_errors
from rapport.insights import charts
from rapport.insights.models import InsightsSettings, ModelRun, PurchaseModelChoice, StrategicKind
from rapport.insights.portfolio import customer_value, latest_run, portfolio, recent_runs
from rapport.insights.services import (
    can_recompute,
    insights_settings_update,
    recompute_request,
    strategic_flag_remove,
    strategic_flag_set,
)
from rapport.people.selectors import organization_detail, person_detail

ENTITIES = {"person", "organization"}


@translate_errors
@require_GET
def portfolio_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    basis = "predicted" if request.GET.get("basis") == "predicted" else "historical"
    data = portfolio(user=user, basis=basis)
    run = latest_run()
    context: dict[str, object] = {
        "data": data, "run": run, "runs": recent_runs(), "basis": basis,
        "can_recompute": can_recompute(user), "settings": InsightsSettings.current(),
        "models": PurchaseModelChoice.choices,
    }  # fmt: skip
    if data is not None:
        context["lorenz_svg"] = charts.lorenz_chart(
            data.lorenz.customer_share, data.lorenz.value_share,
            gini=data.gini, top20_share=data.top20_share,
        )  # fmt: skip
        context["histogram_svg"], context["histogram_top"] = charts.histogram(
            data.predicted, label="How many customers have each predicted value."
        )
    if run is not None:
        context["buckets_svg"] = charts.predicted_vs_actual(run.diagnostics.get("buckets", []))
    return render(request, "insights/portfolio.html", context)


@translate_errors
@require_POST
def recompute_view(request: HttpRequest) -> HttpResponse:
    run = recompute_request(actor=current_user(request))
    if request.headers.get("HX-Request") == "true":
        return render(request, "insights/_run_status.html", {"run": run, "poll": True})
    messages.success(request, "Recomputing customer value; this page shows the progress.")
    return redirect("insights:portfolio")


@translate_errors
@require_GET
def run_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ModelRun, pk=pk)
    response = render(request, "insights/_run_status.html", {"run": run, "poll": run.is_active})
    if not run.is_active and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"  # the finished run changes every chart on the page
    return response


@translate_errors
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.is_admin:
        raise DjangoPermissionDenied("Only an admin can change the value model settings.")
    errors: list[str] = []
    if request.method == "POST":
        try:
            insights_settings_update(actor=user, data=request.POST.dict())
        except ValidationFailed as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, "Saved. The next recompute uses these settings.")
            return redirect("insights:settings")
    return render(request, "insights/settings.html", {
        "settings": InsightsSettings.current(), "models": PurchaseModelChoice.choices,
        "errors": errors,
    }, status=422 if errors else 200)  # fmt: skip


def _panel(
    request: HttpRequest, entity: str, pk: int, errors: list[str] | None = None
) -> HttpResponse:
    user = current_user(request)
    record = (person_detail if entity == "person" else organization_detail)(user=user, pk=pk)
    value = customer_value(customer=record)
    alive = [s.p_alive for s in value.history]
    context = {
        "value": value, "record": record, "entity": entity,
        "sparkline": charts.sparkline(alive, label="Probability still active over the last runs: "
                                      + ", ".join(f"{a:.0%}" for a in alive)),
        "can_flag": can_edit(user, record), "kinds": StrategicKind.choices,
        "flag_url": reverse("insights:flag_set", args=[entity, pk]), "errors": errors or [],
    }  # fmt: skip
    return render(request, "insights/_value_panel.html", context)


@translate_errors
@require_GET
def person_value_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, "person", pk)


@translate_errors
@require_GET
def organization_value_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, "organization", pk)


def _record_url(entity: str, pk: int) -> str:
    return reverse(f"people:{entity}_detail", args=[pk])


@translate_errors
@require_POST
def flag_set_view(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    if entity not in ENTITIES:
        raise DjangoPermissionDenied("Unknown kind of record.")
    user = current_user(request)
    errors: list[str] = []
    try:
        if request.POST.get("remove"):
            strategic_flag_remove(actor=user, entity=entity, pk=pk, kind=request.POST["remove"])
        else:
            strategic_flag_set(actor=user, entity=entity, pk=pk, kind=request.POST.get("kind", ""),
                               reason=request.POST.get("reason", ""))  # fmt: skip
    except ValidationFailed as exc:
        errors = error_messages(exc)
    if request.headers.get("HX-Request") == "true":
        return _panel(request, entity, pk, errors)
    for message in errors:
        messages.error(request, message)
    return redirect(safe_next(request, _record_url(entity, pk)))
