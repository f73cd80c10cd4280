"""The unsubscribe link: no login, one click (and RFC 8058 one-click POST from mail apps)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from rapport.campaigns.unsubscribe import unsubscribe
from rapport.core.errors import NotFound


@login_not_required
@csrf_exempt  # mail apps POST "List-Unsubscribe=One-Click" without any cookie or token
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = unsubscribe(token=token)
    except NotFound as exc:
        raise Http404(str(exc.detail)) from exc
    response = render(request, "campaigns/unsubscribed.html", {"email": person.email})
    response["X-Robots-Tag"] = "noindex"
    return response
