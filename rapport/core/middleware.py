from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase

from rapport.core.text import strip_nul_querydict


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login, except the API (it answers 401 itself) and health checks."""

    exempt_prefixes = ("/api/", "/healthz")

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path.startswith(self.exempt_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class StripNulMiddleware:
    """Drop NUL from the query string and posted forms before any page's view reads them.

    PostgreSQL cannot store NUL, and a filter holding one fails its query: a 500. Django's
    form fields refuse NUL, but views that read ``request.GET``/``POST`` themselves (list
    filters, the segment builder) did not. Reading the form here is no extra work: the CSRF
    check reads it next anyway, and an unreadable one answers 400 here as it would there.
    The query string is cleaned everywhere (API handlers read filters from it too); the
    API's bodies are left to its parser (rapport/api/parser.py), so the API keeps its own
    answers to unreadable bodies.
    """

    form_types = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            request.GET = strip_nul_querydict(request.GET)
        if (
            request.method == "POST"
            and request.content_type in self.form_types
            and not request.path.startswith("/api/")
        ):
            request.POST = strip_nul_querydict(request.POST)
        return self.get_response(request)


class GcFreezeMiddleware:
    """Keep Python's full garbage collections short in long-running server processes.

    A full collection walks every tracked object: with Django, the API schemas and
    the phone-number metadata loaded, that is ~200,000 objects and tens of ms per
    pause, landing on random requests (the p95 of the API lists). Objects loaded at
    start-up and during the first requests live as long as the process, so after a
    few requests we collect once and move them out of the collector's sight with
    ``gc.freeze()`` (the approach CPython documents for pre-fork servers). Later
    collections then only walk what requests allocate. A larger first-generation
    threshold makes full collections rare (one in hundreds of requests rather than one
    in a dozen), at the price of a little more memory held between collections.
    """

    freeze_after = (1, 20, 200)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.served = 0
        gc.set_threshold(10_000, 20, 20)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        self.served += 1
        if self.served in self.freeze_after:
            gc.collect()
            gc.freeze()
        return response


# Scripts only from our own static files (HTMX and everything else is vendored; no page
# has an inline script), so an injected <script> or on* attribute never runs. Inline
# styles stay allowed: a few templates set one (a heat-map cell's shade), and so do
# HTMX's indicator and the API explorer.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:", "font-src 'self'", "connect-src 'self'", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
))  # fmt: skip


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header with every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response that did not choose its own caching.

    Pages, API answers and exports carry personal data; no browser cache, shared proxy
    or back button should keep a copy. Static files never get here: WhiteNoise, above
    this in the middleware list, answers them first with their own long cache headers
    (and paths under STATIC_URL are skipped for the development server's sake).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Cache-Control" not in response.headers and not request.path.startswith(
            _static_prefix()
        ):
            response.headers["Cache-Control"] = "no-store"
        return response


def _static_prefix() -> str:
    return "/" + str(settings.STATIC_URL).lstrip("/")


class SessionTimeoutMiddleware:
    """Sign a browser session out after ``SESSION_IDLE_SECONDS`` without a request, and
    in any case ``SESSION_MAX_SECONDS`` after it signed in.

    The session remembers when it started and when it was last seen; "last seen" is
    written at most once a minute, so an active user costs one session write a minute,
    not one a request. Django's own expiry (SESSION_COOKIE_AGE, the idle time) moves
    with each of those writes, so the cookie and the stored session lapse too.
    """

    SEEN_EVERY = 60
    STARTED, SEEN = "_rapport_started", "_rapport_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    @classmethod
    def signed_in(cls, sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        """On ``user_logged_in``: stamp the new session, which is being saved anyway."""
        session = getattr(request, "session", None)
        if session is not None:
            session[cls.STARTED] = session[cls.SEEN] = int(time.time())

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        started, seen = session.get(self.STARTED), session.get(self.SEEN)
        if not isinstance(started, int) or not isinstance(seen, int):
            session[self.STARTED] = session[self.SEEN] = now  # signed in before this existed
            return
        idle = int(settings.RAPPORT.get("SESSION_IDLE_SECONDS", 8 * 3600))
        longest = int(settings.RAPPORT.get("SESSION_MAX_SECONDS", 14 * 24 * 3600))
        if now - seen > idle or now - started > longest:
            logout(request)  # flushes the session; the request goes on signed out
        elif now - seen >= self.SEEN_EVERY:
            session[self.SEEN] = now
