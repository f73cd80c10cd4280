"""What every page view shares: the signed-in user, service errors turned into pages, fragments, redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from rapport.accounts.models import User
from rapport.core.errors import NotFound, PermissionDenied, RapportError
from rapport.core.htmx import htmx_partial

View = Callable[..., HttpResponse]


def translate_errors(view: View) -> View:
    """Invisible records become 404, forbidden writes 403, other service errors a message page.

    Views catch the errors they can explain next to a form; this is the safety net
    so a service error never surfaces as a 500.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.detail)) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.detail)) from exc
        except RapportError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
            return render(
                request, "error.html", {"status": exc.status_code}, status=exc.status_code
            )

    return wrapper


def error_messages(exc: RapportError) -> list[str]:
    if isinstance(exc.detail, str):
        return [exc.detail]
    return [f"{_field_label(k)}: {m}" for k, ms in exc.detail.items() for m in ms]


def _field_label(key: str) -> str:
    return key.removeprefix("custom_fields.").removeprefix("cf_").replace("_", " ").capitalize()


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the login middleware guarantees it
    return user


def wants_fragment(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though it comes from HTMX.
    return htmx_partial(request) and request.headers.get("HX-History-Restore-Request") != "true"


def render_page_or_fragment(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(
        request, fragment if wants_fragment(request) else page, context, status=status
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
