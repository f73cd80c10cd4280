"""The JSON API's wiring: which app routers are mounted at /api/v1/ (config/urls.py).

An app's router is added to ``ROUTERS``; everything they share (auth, parser, errors,
pagination, ETags, OpenAPI) is the toolkit in rapport/api. The order is the order of
the operations in the OpenAPI document.
"""

from __future__ import annotations

from rapport.accounts.api import router as accounts_router
from rapport.activities.api import router as activities_router
from rapport.api.build import build_api
from rapport.assessments.api import router as assessments_router
from rapport.campaigns.api import router as campaigns_router
from rapport.core.api import router as events_router
from rapport.dataio.api import router as dataio_router
from rapport.dedupe.api import router as dedupe_router
from rapport.insights.api import router as insights_router
from rapport.objectives.api import router as objectives_router
from rapport.people.api import custom_fields_router, organizations_router, people_router
from rapport.playbooks.api import router as playbooks_router
from rapport.sales.api import router as sales_router

ROUTERS = [
    people_router,
    organizations_router,
    custom_fields_router,
    accounts_router,
    dataio_router,
    dedupe_router,
    sales_router,
    insights_router,
    activities_router,
    campaigns_router,
    events_router,
    playbooks_router,
    assessments_router,
    objectives_router,
]

api = build_api(ROUTERS)
