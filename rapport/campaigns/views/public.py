"""The unsubscribe link: no login. Opening it (GET) only asks; a POST unsubscribes.

Mail link scanners and previews follow links with GET, so a GET must change nothing.
The button on the page and the RFC 8058 one-click POST that mail apps send
(``List-Unsubscribe=One-Click``, no cookie, no CSRF token) both unsubscribe: the
signed token in the URL is what authorises it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from rapport.campaigns.unsubscribe import masked_address, subscriber, unsubscribe
from rapport.core.errors import NotFound
from rapport.people.models import ConsentStatus


@login_not_required
@csrf_exempt  # mail apps POST "List-Unsubscribe=One-Click" without any cookie or token
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            person = unsubscribe(token=token)
            done = True
        else:
            person = subscriber(token=token)
            done = person.email_consent == ConsentStatus.WITHDRAWN
    except NotFound as exc:
        raise Http404(str(exc.detail)) from exc
    template = "campaigns/unsubscribed.html" if done else "campaigns/unsubscribe_confirm.html"
    response = render(request, template, {"email": masked_address(person.email)})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["Cache-Control"] = "no-store"
    return response
