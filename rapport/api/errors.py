"""Every API error is ``{"detail": …}`` with the status that says what went wrong.

422 always carries a mapping of field → messages, whether the problem was found
by the request schema (ninja/pydantic) or by a service (ValidationFailed).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from rapport.api.parser import UnacceptableBody
from rapport.api.ratelimit import RateLimited
from rapport.core.errors import RapportError, ValidationFailed

NON_FIELD = "__all__"
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def field_errors_from_ninja(
    errors: list[dict[str, Any]], body_params: set[str]
) -> dict[str, list[str]]:
    """Pydantic's ``[{"loc": ["body", "payload", "emails", 0], "msg": …}]`` → ``{"emails.0": [msg]}``."""
    detail: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in _LOCATIONS:
            where = loc.pop(0)
            if where == "body" and loc and loc[0] in body_params:
                loc.pop(0)
        field = ".".join(loc) or NON_FIELD
        detail.setdefault(field, []).append(str(error.get("msg", "Invalid value.")))
    return detail


def install_error_handlers(api: NinjaAPI, *, body_params: set[str]) -> None:
    def respond(request: HttpRequest, detail: Any, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": detail}, status=status)

    def on_rapport_error(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, RapportError)
        detail = exc.detail
        if isinstance(exc, ValidationFailed) and isinstance(detail, str):
            detail = {NON_FIELD: [detail]}
        return respond(request, detail, exc.status_code)

    def on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, ValidationError)
        return respond(request, field_errors_from_ninja(exc.errors, body_params), 422)

    def on_authentication_error(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc)
        if message == "Unauthorized":  # ninja's default, when no credentials came at all
            message = "Authentication required: send 'Authorization: Bearer <token>' or log in."
        response = respond(request, message, 401)
        response["WWW-Authenticate"] = 'Bearer realm="Rapport API"'
        return response

    def on_rate_limited(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, RateLimited)
        response = respond(request, str(exc), 429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, HttpError)
        cause = exc.__cause__  # ninja wraps the parser's error in "Cannot parse request body"
        if isinstance(cause, UnacceptableBody):
            if cause.status == 422:
                return respond(request, {NON_FIELD: [str(cause)]}, 422)
            return respond(request, str(cause), cause.status)
        return respond(request, str(exc), exc.status_code)

    def on_body_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return respond(request, f"The request body is larger than the limit of {limit} bytes.", 413)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, "Not found.", 404)

    api.add_exception_handler(RapportError, on_rapport_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(RateLimited, on_rate_limited)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(RequestDataTooBig, on_body_too_big)
