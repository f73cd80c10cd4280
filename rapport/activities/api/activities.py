"""/activities: a record's timeline entries; log, read, change and delete notes, calls, meetings."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.activities.api.schemas import (
    ActivityChange,
    ActivityCreate,
    ActivityListParams,
    ActivityOut,
    ActivityPage,
)
from rapport.activities.markdown import render_markdown
from rapport.activities.models import Activity, ActivityLink
from rapport.activities.selectors import activity_detail, record_activity_links, visible_activities
from rapport.activities.services import activity_delete, activity_log, activity_update
from rapport.api.auth import current_user
from rapport.api.concurrency import conditional_get, etag_for, expected_version
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.core.errors import ValidationFailed
from rapport.people.models import Organization, Person
from rapport.people.selectors import organization_detail, person_detail

router = Router(tags=["activities"])


def serialize(activities: Iterable[Activity], user: User) -> list[dict[str, object]]:
    """Activities with the ids of their linked records the user may see (three queries)."""
    rows = list(activities)
    links = list(
        ActivityLink.objects.filter(activity__in=rows).values_list(
            "activity_id", "person_id", "organization_id"
        )
    )
    people = set(
        visible_to(Person.objects.filter(pk__in={p for _, p, _ in links if p}), user).values_list(
            "pk", flat=True
        )
    )
    orgs = set(visible_to(Organization.objects.filter(pk__in={o for _, _, o in links if o}), user).values_list("pk", flat=True))  # fmt: skip
    out = []
    for a in rows:
        out.append({
            "id": a.pk, "kind": a.kind, "subject": a.subject, "body": a.body,
            "body_html": str(render_markdown(a.body)), "occurred_at": a.occurred_at,
            "actor_id": a.actor_id, "duration_minutes": a.duration_minutes, "outcome": a.outcome,
            "metadata": a.metadata, "source_ref": a.source_ref,
            "people": sorted(p for aid, p, _ in links if aid == a.pk and p in people),
            "organizations": sorted(o for aid, _, o in links if aid == a.pk and o in orgs),
            "created_at": a.created_at, "updated_at": a.updated_at, "version": a.version,
        })  # fmt: skip
    return out


def _one(request: HttpRequest, activity_id: int, response: HttpResponse) -> dict[str, object]:
    user = current_user(request)
    activity = activity_detail(user=user, pk=activity_id)
    response["ETag"] = etag_for(activity)
    return serialize([activity], user)[0]


@router.get("/activities", response={200: ActivityPage, **ERRORS}, summary="List activities")
def list_activities(request: HttpRequest, params: Query[ActivityListParams]) -> dict[str, object]:
    """A person's or organisation's timeline entries, newest first (or, with neither, every
    activity you may see). Tasks, orders and field changes are not activities: see `/tasks`."""
    user = current_user(request)
    if params.person is not None and params.organization is not None:
        raise ValidationFailed({"person": ["Give a person or an organisation, not both."]})
    kinds = [params.kind.value] if params.kind else None
    if params.person is not None or params.organization is not None:
        if params.person is not None:
            record: object = person_detail(user=user, pk=params.person)
            entity = "person"
        else:
            record = organization_detail(user=user, pk=params.organization or 0)
            entity = "organization"
        links = record_activity_links(entity=entity, record=record, kinds=kinds)
        page = paginate(request, links, sort=f"{entity}-timeline", limit=params.limit)
        activities = [link.activity for link in page.items]
    else:
        qs = visible_activities(user).order_by("-occurred_at", "-id")
        if kinds:
            qs = qs.filter(kind__in=kinds)
        page = paginate(request, qs, sort="activities", limit=params.limit)
        activities = page.items
    return {"results": serialize(activities, user), "next": page.next_url}


@router.post("/activities", response={201: ActivityOut, **WRITE_ERRORS}, summary="Log an activity")
def create_activity(
    request: HttpRequest, payload: ActivityCreate, response: HttpResponse
) -> Status[dict[str, object]]:
    """A note, call or meeting on the people and organisations listed (you must see each).
    Notes may @mention users by user name: they are notified."""
    data = payload.to_service_data()
    activity = activity_log(actor=current_user(request), kind=data.pop("kind"), data=data)
    response["Location"] = request.build_absolute_uri(f"{request.path}/{activity.pk}")
    return Status(201, _one(request, activity.pk, response))


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, 304: None, **ERRORS},
    summary="Get an activity",
)
def get_activity(
    request: HttpRequest, activity_id: int, response: HttpResponse
) -> dict[str, object] | HttpResponse:
    user = current_user(request)
    activity = activity_detail(user=user, pk=activity_id)
    if (not_modified := conditional_get(request, response, activity)) is not None:
        return not_modified
    return serialize([activity], user)[0]


@router.patch(
    "/activities/{activity_id}",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Change an activity",
)
def update_activity(
    request: HttpRequest, activity_id: int, payload: ActivityChange, response: HttpResponse
) -> dict[str, object]:
    """The author, their manager or an admin may change notes, calls and meetings."""
    user = current_user(request)
    activity = activity_detail(user=user, pk=activity_id)
    version = expected_version(request, activity)
    activity_update(
        actor=user, activity=activity, data=payload.to_service_data(), expected_version=version
    )
    return _one(request, activity_id, response)


@router.delete(
    "/activities/{activity_id}", response={204: None, **WRITE_ERRORS}, summary="Delete an activity"
)
def delete_activity(request: HttpRequest, activity_id: int) -> Status[None]:
    user = current_user(request)
    activity = activity_detail(user=user, pk=activity_id)
    activity_delete(
        actor=user, activity=activity, expected_version=expected_version(request, activity)
    )
    return Status(204, None)
