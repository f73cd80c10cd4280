"""The JSON API object, assembled from this toolkit: auth, the text-safe parser, the
vendored docs, the ``{"detail": …}`` error answers and the OpenAPI additions.

Which app routers it mounts is the project's wiring, not the toolkit's: config/api.py
passes them in. ``build_api`` adds them in that order, then the catch-all that answers
any path no router claimed.

Docs: /api/v1/docs (Swagger UI from vendored files); schema: /api/v1/openapi.json.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from ninja import Router

from rapport.api.auth import BearerTokenAuth, SessionUserAuth
from rapport.api.docs import VendoredSwagger, docs_access
from rapport.api.errors import install_error_handlers
from rapport.api.openapi import RapportAPI
from rapport.api.parser import TextSafeParser
from rapport.core.errors import NotFound

DESCRIPTION = """\
Rapport's JSON API.

**Authentication**: `Authorization: Bearer <token>` (make one with `rapport token create --user NAME`),
or the browser session of a logged-in user (unsafe methods then need the `X-CSRFToken` header).

**Lists** are cursor-paginated: `{"results": [...], "next": "<url or null>"}`; follow `next`.
`limit` is 1–200 (default 50). Filters match the list pages' parameters.

**Concurrency**: reading one record sends `ETag: "<id>-<version>"`. `If-Match` on PATCH,
DELETE and restore is optional but honoured: a stale tag answers 412 and changes nothing.
`If-None-Match` on GET answers 304 when unchanged.

**Errors** are always `{"detail": ...}`; for 422, `detail` maps each field to its messages.
Requests are limited per token (or per logged-in user) per minute, across all server
processes; over it the answer is 429 with `Retry-After`.

These docs and `/api/v1/openapi.json` need a login or a token (unless the workspace set
`RAPPORT_API_DOCS_PUBLIC=true`).
"""


def build_api(routers: Iterable[Router]) -> RapportAPI:
    api = RapportAPI(
        title="Rapport API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api",
        auth=[BearerTokenAuth(), SessionUserAuth()],
        docs=VendoredSwagger(),
        docs_url="/docs",
        docs_decorator=docs_access,
        openapi_url="/openapi.json",
        parser=TextSafeParser(),
    )
    install_error_handlers(api, body_params={"payload"})
    for router in routers:
        api.add_router("/", router)
    # Registered last, so it only answers paths no router claimed.
    api.add_router("/", _unknown_paths())
    return api


def _unknown_paths() -> Router:
    """A JSON 404 rather than Django's HTML page for a script that mistypes a URL."""
    router = Router()

    @router.api_operation(
        ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None,
        include_in_schema=False,
    )  # fmt: skip
    def unknown_path(request: HttpRequest, rest: str) -> None:
        raise NotFound(f"There is no API endpoint at {request.path}.")

    return router
