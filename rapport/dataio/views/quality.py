"""The data quality page: completeness, invalid values, exact duplicates, consent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rapport.core.web import current_user, translate_errors
from rapport.dataio.quality import quality_report


@translate_errors
@require_GET
def quality_view(request: HttpRequest) -> HttpResponse:
    report = quality_report(user=current_user(request))
    return render(request, "dataio/quality.html", {"report": report})
