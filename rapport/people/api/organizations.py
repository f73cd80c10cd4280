"""/organizations: list, read, create, change, delete and restore organisations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.accounts.access import access_record
from rapport.api.auth import current_user
from rapport.api.concurrency import conditional_get, etag_for, expected_version
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.core.errors import Conflict, NotFound
from rapport.people.api.schemas import (
    OrganizationIn,
    OrganizationListParams,
    OrganizationOut,
    OrganizationPage,
    OrganizationPersonOut,
    OutOfSightOut,
    out_of_sight,
)
from rapport.people.models import Affiliation, Organization
from rapport.people.selectors import (
    ListFilter,
    organization_detail,
    organization_list,
    organization_people,
    with_list_relations,
)
from rapport.people.services import (
    organization_create,
    organization_delete,
    organization_restore,
    organization_update,
)

router = Router(tags=["organizations"])


def _editable(request: HttpRequest, organization_id: int) -> Organization:
    return access_record(
        Organization.objects.all(), current_user(request), pk=organization_id, for_write=True
    )


def _fresh(request: HttpRequest, organization_id: int, response: HttpResponse) -> Organization:
    organization = organization_detail(user=current_user(request), pk=organization_id)
    response["ETag"] = etag_for(organization)
    return organization


def _written(
    request: HttpRequest, organization_id: int, response: HttpResponse
) -> Organization | OutOfSightOut:
    """The organisation after a committed write, or just its id if the caller gave it away."""
    try:
        return _fresh(request, organization_id, response)
    except NotFound:
        return out_of_sight(organization_id, "organisation")


GAVE_AWAY = (
    " If the write leaves the organisation out of your sight (you gave it to a team-mate"
    " under *private* visibility, or cleared its team), the answer is the same status with"
    " only `{id, visible: false, detail}`: the write committed, so do not retry it."
)


@router.get(
    "/organizations", response={200: OrganizationPage, **ERRORS}, summary="List organisations"
)
def list_organizations(
    request: HttpRequest, filters: Query[OrganizationListParams]
) -> dict[str, object]:
    """Organisations you may see, filtered like the Organisations page (`cf_<key>=value` too)."""
    user = current_user(request)
    flt = ListFilter.from_params(request.GET)
    qs = with_list_relations(organization_list(user=user, flt=flt), user=user)
    page = paginate(request, qs, sort=flt.sort, limit=filters.limit)
    return {"results": page.items, "next": page.next_url}


@router.post(
    "/organizations",
    response={201: OrganizationOut | OutOfSightOut, **WRITE_ERRORS},
    summary="Create an organisation",
    description="Creates an organisation, owned by you unless `owner_id` says otherwise."
    + GAVE_AWAY,
)
def create_organization(
    request: HttpRequest, payload: OrganizationIn, response: HttpResponse
) -> Status[Organization | OutOfSightOut]:
    organization = organization_create(actor=current_user(request), data=payload.to_service_data())
    written = _written(request, organization.pk, response)
    if isinstance(written, Organization):
        response["Location"] = request.build_absolute_uri(f"{request.path}/{organization.pk}")
    return Status(201, written)


@router.get(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, 304: None, **ERRORS},
    summary="Get an organisation",
)
def get_organization(
    request: HttpRequest, organization_id: int, response: HttpResponse
) -> Organization | HttpResponse:
    """Sends an ETag; with `If-None-Match` naming it, the answer is 304 Not Modified."""
    organization = organization_detail(user=current_user(request), pk=organization_id)
    if (not_modified := conditional_get(request, response, organization)) is not None:
        return not_modified
    return organization


@router.get(
    "/organizations/{organization_id}/people",
    response={200: list[OrganizationPersonOut], **ERRORS},
    summary="People at an organisation",
)
def list_organization_people(request: HttpRequest, organization_id: int) -> list[dict[str, object]]:
    """The live people you may see who are affiliated with the organisation, by name."""
    user = current_user(request)
    organization = organization_detail(user=user, pk=organization_id)
    rows: QuerySet[Affiliation] = organization_people(user=user, organization=organization)
    return [
        {"person_id": a.person_id, "full_name": a.person.full_name, "email": a.person.email,
         "role": a.role, "is_primary": a.is_primary}
        for a in rows
    ]  # fmt: skip


@router.patch(
    "/organizations/{organization_id}",
    response={200: OrganizationOut | OutOfSightOut, **WRITE_ERRORS},
    summary="Change an organisation",
)
def update_organization(
    request: HttpRequest, organization_id: int, payload: OrganizationIn, response: HttpResponse
) -> Organization | OutOfSightOut:
    """Changes only the fields sent. `If-Match: <ETag>` is optional; a stale one gives 412.

    `tags` replaces the whole list; `custom_fields` is merged key by key. If the change
    leaves the organisation out of your sight (you gave it to a team-mate under *private*
    visibility, or cleared its team), the answer is 200 with only `{id, visible: false,
    detail}`: the change committed, so do not retry it.
    """
    organization = _editable(request, organization_id)
    version = expected_version(request, organization)
    if organization.is_deleted:
        raise Conflict("This organisation is in the trash; restore it before changing it.")
    organization_update(actor=current_user(request), organization=organization,
                        data=payload.to_service_data(), expected_version=version)  # fmt: skip
    return _written(request, organization_id, response)


@router.delete(
    "/organizations/{organization_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete an organisation",
)
def delete_organization(request: HttpRequest, organization_id: int) -> Status[None]:
    """Moves the organisation to the trash (restorable). Deleting a trashed one changes nothing."""
    organization = _editable(request, organization_id)
    version = expected_version(request, organization)
    if not organization.is_deleted:
        organization_delete(
            actor=current_user(request), organization=organization, expected_version=version
        )
    return Status(204, None)


@router.post(
    "/organizations/{organization_id}/restore",
    response={200: OrganizationOut, **WRITE_ERRORS},
    summary="Restore an organisation",
)
def restore_organization(
    request: HttpRequest, organization_id: int, response: HttpResponse
) -> Organization:
    """Brings an organisation back from the trash. Restoring a live one changes nothing."""
    organization = _editable(request, organization_id)
    expected_version(request, organization)
    if organization.is_deleted:
        organization_restore(actor=current_user(request), organization=organization)
    return _fresh(request, organization_id, response)
