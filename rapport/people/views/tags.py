"""The tag filter's type-ahead: tags on records the user may see, as an HTMX fragment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rapport.core.web import current_user, translate_errors
from rapport.people.selectors import tag_names_seen_by


@translate_errors
@require_GET
def tag_options_view(request: HttpRequest) -> HttpResponse:
    """``<datalist>`` options for ``?entity=person|organization&tag=<what was typed>``."""
    entity = "organization" if request.GET.get("entity") == "organization" else "person"
    prefix = str(request.GET.get("tag", "")).strip()[:50]
    names = tag_names_seen_by(user=current_user(request), entity=entity, prefix=prefix)
    return render(request, "people/_tag_options.html", {"names": names})
