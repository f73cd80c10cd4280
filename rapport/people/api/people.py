"""/people: list, read, create, change, delete and restore people."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.accounts.access import access_record
from rapport.api.auth import current_user
from rapport.api.concurrency import conditional_get, etag_for, expected_version
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.core.errors import Conflict, NotFound
from rapport.people.api.schemas import (
    OutOfSightOut,
    PersonIn,
    PersonListParams,
    PersonOut,
    PersonPage,
    out_of_sight,
)
from rapport.people.models import Person
from rapport.people.selectors import ListFilter, person_detail, person_list, with_list_relations
from rapport.people.services import person_create, person_delete, person_restore, person_update

router = Router(tags=["people"])


def _editable(request: HttpRequest, person_id: int) -> Person:
    """The person, if the caller may change it: 404 if they cannot see it, 403 if read-only."""
    return access_record(Person.objects.all(), current_user(request), pk=person_id, for_write=True)


def _fresh(request: HttpRequest, person_id: int, response: HttpResponse) -> Person:
    person = person_detail(user=current_user(request), pk=person_id)
    response["ETag"] = etag_for(person)
    return person


def _written(
    request: HttpRequest, person_id: int, response: HttpResponse
) -> Person | OutOfSightOut:
    """The person after a committed write, or just its id if the caller gave it away."""
    try:
        return _fresh(request, person_id, response)
    except NotFound:
        return out_of_sight(person_id, "person")


GAVE_AWAY = (
    " If the write leaves the person out of your sight (you gave them to a team-mate under"
    " *private* visibility, or cleared their team), the answer is the same status with only"
    " `{id, visible: false, detail}`: the write committed, so do not retry it."
)


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="List people")
def list_people(request: HttpRequest, filters: Query[PersonListParams]) -> dict[str, object]:
    """People you may see, filtered like the People page. Custom fields filter as `cf_<key>=value`."""
    user = current_user(request)
    flt = ListFilter.from_params(request.GET)
    qs = with_list_relations(person_list(user=user, flt=flt), user=user).prefetch_related(
        "emails", "phones"
    )
    page = paginate(request, qs, sort=flt.sort, limit=filters.limit)
    return {"results": page.items, "next": page.next_url}


@router.post(
    "/people",
    response={201: PersonOut | OutOfSightOut, **WRITE_ERRORS},
    summary="Create a person",
    description="Creates a person, owned by you unless `owner_id` says otherwise." + GAVE_AWAY,
)
def create_person(
    request: HttpRequest, payload: PersonIn, response: HttpResponse
) -> Status[Person | OutOfSightOut]:
    person = person_create(actor=current_user(request), data=payload.to_service_data())
    written = _written(request, person.pk, response)
    if isinstance(written, Person):
        response["Location"] = request.build_absolute_uri(f"{request.path}/{person.pk}")
    return Status(201, written)


@router.get(
    "/people/{person_id}", response={200: PersonOut, 304: None, **ERRORS}, summary="Get a person"
)
def get_person(
    request: HttpRequest, person_id: int, response: HttpResponse
) -> Person | HttpResponse:
    """Sends an ETag; with `If-None-Match` naming it, the answer is 304 Not Modified."""
    person = person_detail(user=current_user(request), pk=person_id)
    if (not_modified := conditional_get(request, response, person)) is not None:
        return not_modified
    return person


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut | OutOfSightOut, **WRITE_ERRORS},
    summary="Change a person",
)
def update_person(
    request: HttpRequest, person_id: int, payload: PersonIn, response: HttpResponse
) -> Person | OutOfSightOut:
    """Changes only the fields sent. `If-Match: <ETag>` is optional; a stale one gives 412.

    List fields (`emails`, `phones`, `tags`, `organizations`) replace the whole list;
    `custom_fields` is merged key by key. If the change leaves the person out of your
    sight (you gave them to a team-mate under *private* visibility, or cleared their
    team), the answer is 200 with only `{id, visible: false, detail}`: the change
    committed, so do not retry it.
    """
    person = _editable(request, person_id)
    version = expected_version(request, person)
    if person.is_deleted:
        raise Conflict("This person is in the trash; restore them before changing them.")
    person_update(actor=current_user(request), person=person, data=payload.to_service_data(),
                  expected_version=version)  # fmt: skip
    return _written(request, person_id, response)


@router.delete(
    "/people/{person_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a person"
)
def delete_person(request: HttpRequest, person_id: int) -> Status[None]:
    """Moves the person to the trash (restorable). Deleting a trashed person changes nothing."""
    person = _editable(request, person_id)
    version = expected_version(request, person)
    if not person.is_deleted:
        person_delete(actor=current_user(request), person=person, expected_version=version)
    return Status(204, None)


@router.post(
    "/people/{person_id}/restore",
    response={200: PersonOut, **WRITE_ERRORS},
    summary="Restore a person",
)
def restore_person(request: HttpRequest, person_id: int, response: HttpResponse) -> Person:
    """Brings a person back from the trash. Restoring a live person changes nothing."""
    person = _editable(request, person_id)
    expected_version(request, person)
    if person.is_deleted:
        person_restore(actor=current_user(request), person=person)
    return _fresh(request, person_id, response)
