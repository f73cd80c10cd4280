"""The header's search box: people and organisations as you type."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from rapport.core.web import current_user, render_page_or_fragment, translate_errors
from rapport.people.selectors import ListFilter, organization_list, person_list

RESULTS_PER_KIND = 8


@translate_errors
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = request.GET.get("q", "").strip()[:200]
    people, organizations = [], []
    if q:
        flt = ListFilter(q=q, sort="name")
        people = list(person_list(user=user, flt=flt).select_related("owner")[:RESULTS_PER_KIND])
        organizations = list(organization_list(user=user, flt=flt)[:RESULTS_PER_KIND])
    context = {"q": q, "people": people, "organizations": organizations}
    return render_page_or_fragment(
        request, "people/search.html", "people/_search_results.html", context
    )
