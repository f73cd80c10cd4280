"""Pages: the orders list, the CSV upload, and the orders panel on person/organisation pages."""

from __future__ import annotations

import io
import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from rapport.accounts.access import can_write
from rapport.core.errors import ValidationFailed
from rapport.core.params import page_number
from rapport.core.web import (
    current_user,
    error_messages,
    render_page_or_fragment,
    translate_errors,
)
from rapport.people.selectors import capped_count, organization_detail, person_detail
from rapport.sales.imports import CUSTOMER_KEYS, ImportReport, import_orders
from rapport.sales.models import OrderStatus
from rapport.sales.selectors import OrderFilter, customer_orders, order_list

PAGE_SIZE = 50
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@translate_errors
@require_GET
def order_list_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    errors: list[str] = []
    page = page_number(request.GET.get("page"))
    try:
        flt = OrderFilter.from_params(request.GET)
        qs = order_list(user=user, flt=flt)
        count, capped = capped_count(qs)
        rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    except ValidationFailed as exc:
        errors, flt, count, capped, rows = error_messages(exc), OrderFilter(), 0, False, []
    last = max(1, math.ceil(count / PAGE_SIZE))
    context = {
        "rows": rows,
        "flt": flt,
        "count": count,
        "capped": capped,
        "page": page,
        "has_prev": page > 1,
        "has_next": page < last or (capped and len(rows) == PAGE_SIZE),
        "filter_errors": errors,
        "statuses": OrderStatus.choices,
        "can_write": can_write(user),
    }
    return render_page_or_fragment(
        request, "sales/order_list.html", "sales/_order_rows.html", context
    )


@translate_errors
@require_http_methods(["GET", "POST"])
def order_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of orders; problems are listed by line and column, nothing half-imported."""
    user = current_user(request)
    report: ImportReport | None = None
    form_errors: list[str] = []
    values = {"customer_key": "email", "currency": "EUR", "source": "csv", "dry_run": False}
    if request.method == "POST":
        if not can_write(user):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Your role is read-only.")
        values = {
            "customer_key": request.POST.get("customer_key", "email"),
            "currency": request.POST.get("currency", "EUR").strip().upper() or "EUR",
            "source": request.POST.get("source", "csv").strip()[:50] or "csv",
            "dry_run": request.POST.get("dry_run") == "on",
        }
        upload = request.FILES.get("file")
        if upload is None:
            form_errors.append("Choose a CSV file to upload.")
        elif upload.size and upload.size > MAX_UPLOAD_BYTES:
            form_errors.append("The file is larger than 20 MB; use `rapport orders import`.")
        else:
            text = upload.read().decode("utf-8-sig", errors="replace")
            try:
                report = import_orders(
                    io.StringIO(text),
                    user=user,
                    customer_key=values["customer_key"],  # type: ignore[arg-type]
                    source=str(values["source"]),
                    default_currency=str(values["currency"]),
                    dry_run=bool(values["dry_run"]),
                )
            except ValidationFailed as exc:
                form_errors.extend(error_messages(exc))
    context = {
        "report": report,
        "form_errors": form_errors,
        "values": values,
        "customer_keys": CUSTOMER_KEYS,
        "can_write": can_write(user),
    }
    status = 422 if form_errors or (report is not None and not report.ok) else 200
    return render(request, "sales/order_import.html", context, status=status)


def _panel(request: HttpRequest, customer: object, kind: str) -> HttpResponse:
    orders, totals = customer_orders(customer=customer)  # type: ignore[arg-type]
    return render(
        request,
        "sales/_orders_panel.html",
        {"orders": orders, "totals": totals, "customer": customer, "kind": kind},
    )


@translate_errors
@require_GET
def person_orders_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, person_detail(user=current_user(request), pk=pk), "person")


@translate_errors
@require_GET
def organization_orders_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, organization_detail(user=current_user(request), pk=pk), "organization")
