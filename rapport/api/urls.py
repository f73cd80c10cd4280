"""The JSON API, mounted at /api/v1/ by config/urls.py.

Docs: /api/v1/docs (Swagger UI from vendored files); schema: /api/v1/openapi.json.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from rapport.accounts.api import router as accounts_router
from rapport.activities.api import router as activities_router
from rapport.api.auth import BearerTokenAuth, SessionUserAuth
from rapport.api.docs import VendoredSwagger, docs_access
from rapport.api.errors import install_error_handlers
from rapport.api.openapi import RapportAPI
from rapport.api.parser import TextSafeParser
from rapport.assessments.api import router as assessments_router
from rapport.campaigns.api import router as campaigns_router
from rapport.core.api import router as events_router
from rapport.core.errors import NotFound
from rapport.dataio.api import router as dataio_router
from rapport.dedupe.api import router as dedupe_router
from rapport.insights.api import router as insights_router
from rapport.objectives.api import router as objectives_router
from rapport.people.api import custom_fields_router, organizations_router, people_router
from rapport.playbooks.api import router as playbooks_router
from rapport.sales.api import router as sales_router

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
api.add_router("/", people_router)
api.add_router("/", organizations_router)
api.add_router("/", custom_fields_router)
api.add_router("/", accounts_router)
api.add_router("/", dataio_router)
api.add_router("/", dedupe_router)
api.add_router("/", sales_router)
api.add_router("/", insights_router)
api.add_router("/", activities_router)
api.add_router("/", campaigns_router)
api.add_router("/", events_router)
api.add_router("/", playbooks_router)
api.add_router("/", assessments_router)
api.add_router("/", objectives_router)

# Registered last, so it only answers paths no router claimed: a JSON 404 rather than
# Django's HTML page for a script that mistypes a URL.
unknown_paths = Router()


@unknown_paths.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise NotFound(f"There is no API endpoint at {request.path}.")


api.add_router("/", unknown_paths)
