"""The review queue: clusters found by scans, "scan now", "not a duplicate"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rapport.accounts.access import can_write
from rapport.core.params import page_number
from rapport.core.web import current_user, safe_next, translate_errors
from rapport.dedupe.models import DuplicatePair, Entity, ReviewStatus
from rapport.dedupe.selectors import clusters_for_review, last_scans, open_cluster_counts
from rapport.dedupe.services import not_duplicate, scan_enqueue


def _entity(value: str | None) -> str:
    return value if value in Entity.values else Entity.PERSON


@translate_errors
def review_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    entity = _entity(request.GET.get("entity"))
    page = page_number(request.GET.get("page"))
    clusters, more = clusters_for_review(user=user, entity=entity, page=page)
    context = {
        "entity": entity, "entities": Entity.choices, "clusters": clusters, "page": page,
        "more": more, "scans": last_scans(), "counts": open_cluster_counts(),
        "can_write": can_write(user),
    }  # fmt: skip
    return render(request, "dedupe/review.html", context)


@translate_errors
@require_POST
def scan_start_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    entity = _entity(request.POST.get("entity"))
    run = scan_enqueue(entity=entity, requested_by=user)
    messages.success(
        request,
        "Scan started: it runs in the background; refresh this page to see its clusters."
        if run.is_active
        else f"Scan finished: {run.clusters:,} clusters to review.",
    )
    return redirect(f"{reverse('dedupe:review')}?entity={entity}")


@translate_errors
@require_POST
def pair_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    pair = get_object_or_404(DuplicatePair, pk=pk)
    if pair.status == ReviewStatus.OPEN:
        not_duplicate(actor=user, entity=pair.entity, record_a=pair.record_a,
                      record_b=pair.record_b)  # fmt: skip
        messages.success(
            request, "Marked as not a duplicate: this pair will not be proposed again."
        )
    return redirect(safe_next(request, f"{reverse('dedupe:review')}?entity={pair.entity}"))
