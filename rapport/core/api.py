"""/events: the outbox as a read API for integrations (cursor-paginated, filtered)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from rapport.api.auth import current_user
from rapport.api.responses import QUERY_ERRORS
from rapport.core.event_selectors import event_page

router = Router(tags=["events"])


class EventListParams(Schema):
    after: int = Field(0, ge=0, description="Events with an id above this one (the cursor).")
    limit: int = Field(50, ge=1, le=200, description="Events per page (at most 200).")
    name: str | None = Field(
        None, max_length=64, description="Only this event, e.g. `organization.updated`."
    )
    entity_type: str | None = Field(
        None, max_length=32, description="Only events of `person` or `organization` records…"
    )
    entity_id: int | None = Field(
        None, ge=1, description="…and of this record id (needs `entity_type`)."
    )


class EventOut(Schema):
    id: int = Field(description="Monotonic: use it as the idempotency key and the cursor.")
    name: str
    entity_type: str
    entity_ids: list[int] = Field(description="The records it names that you may see.")
    actor_id: int | None
    fields: list[str] = Field(description="Names of the fields that changed (never values).")
    created_at: dt.datetime


class EventPageOut(Schema):
    results: list[EventOut]
    next: str | None = Field(description="The URL of the next page, or null when none is left.")


@router.get("/events", response={200: EventPageOut, **QUERY_ERRORS}, summary="List domain events")
def list_events(request: HttpRequest, filters: Query[EventListParams]) -> dict[str, object]:
    """What happened to the records you may see, oldest first. Follow `next`; when it is
    null you are up to date: keep the last `id` and ask again with `after=<id>` later."""
    if filters.entity_id is not None and not filters.entity_type:
        raise HttpError(400, "Filtering by entity_id needs entity_type too.")
    page = event_page(user=current_user(request), limit=filters.limit, after=filters.after,
                      name=filters.name, entity_type=filters.entity_type,
                      entity_id=filters.entity_id)  # fmt: skip
    results = [
        {"id": r.event.pk, "name": r.event.name, "entity_type": r.event.entity_type,
         "entity_ids": r.entity_ids, "actor_id": r.event.actor_id, "fields": r.event.fields,
         "created_at": r.event.created_at}
        for r in page.rows
    ]  # fmt: skip
    next_url = None
    if page.last_id is not None:
        params = request.GET.copy()
        params["after"] = str(page.last_id)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"results": results, "next": next_url}
