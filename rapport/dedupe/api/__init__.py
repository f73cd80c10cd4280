"""/people/duplicates/check and /organizations/duplicates/check: likely duplicates of a
record before creating or changing it. The review, scan and merge operations are in
``review`` and ``merge`` beside this module, mounted on this router (the check stays
here so its OpenAPI operationIds, derived from the module name, stay the same)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from rapport.api.auth import current_user
from rapport.api.responses import QUERY_ERRORS
from rapport.api.schemas import JsonObject
from rapport.api.types import ApiDate, CheckLimit, DbId, Score
from rapport.core.errors import ValidationFailed
from rapport.dedupe.api.merge import router as merge_router
from rapport.dedupe.api.review import router as review_router
from rapport.dedupe.check import duplicates_of
from rapport.dedupe.check.core import CHECK_THRESHOLD
from rapport.dedupe.check.organizations import organization_profile_from_data
from rapport.dedupe.profiles import Profile, person_profile_from_data

router = Router(tags=["duplicates"])


class OrganizationRef(Schema):
    organization_id: DbId
    role: str = ""


class PersonCheckIn(JsonObject):
    """The fields of the person you are about to create (or change), as for POST /people."""

    # The whole body of a POST /people may be sent as is: fields the check does not use
    # (tags, owner_id, …) are ignored rather than refused.
    model_config = ConfigDict(extra="ignore")

    person_id: DbId | None = Field(
        None, description="When changing an existing person: their id (left out of the answer)."
    )
    first_name: str = ""
    last_name: str = ""
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    street: str = ""
    postcode: str = ""
    city: str = ""
    birthday: ApiDate | None = None
    organizations: list[OrganizationRef] = Field(default_factory=list)
    threshold: Score = Field(CHECK_THRESHOLD, description="Lowest score to report.")
    limit: CheckLimit = 5


def _check(
    request: HttpRequest,
    entity: str,
    profile: Profile,
    record_id: int | None,
    payload: PersonCheckIn | OrganizationCheckIn,
) -> dict[str, object]:
    """Both checks' answer: the candidates as they are, each read by the answer's schema
    (``CandidateOut``: name, e-mail, phone; ``OrganizationCandidateOut``: name, domain, city)."""
    found = duplicates_of(entity, user=current_user(request), profile=profile,
                          record_id=record_id, threshold=payload.threshold,
                          limit=payload.limit)  # fmt: skip
    return {"results": found}


class CandidateOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    score: float = Field(description="Probability in 0..1 that this is the same person.")
    reasons: list[str]
    summary: str = Field(description='e.g. "same phone, same last name, 92%".')


class CheckOut(Schema):
    results: list[CandidateOut]


@router.post(
    "/people/duplicates/check",
    response={200: CheckOut, **QUERY_ERRORS},
    summary="Find likely duplicates of a person",
)
def check_person(request: HttpRequest, payload: PersonCheckIn) -> dict[str, object]:
    """People you may see who are likely the person described, best first, each with a
    score and the reasons ("same e-mail", "similar first name", …). Nothing is saved."""
    profile = person_profile_from_data(payload.model_dump())
    return _check(request, "person", profile, payload.person_id, payload)


class OrganizationCheckIn(JsonObject):
    """The fields of the organisation you are about to create (or change), as for
    POST /organizations (other fields are ignored)."""

    model_config = ConfigDict(extra="ignore")

    organization_id: DbId | None = Field(
        None, description="When changing an existing organisation: its id (left out)."
    )
    name: str = Field("", description='Legal forms do not matter: "Acme GmbH" finds "ACME".')
    domain: str = Field("", description="Web domain or address (free-mail domains are ignored).")
    phone: str = Field(
        "", description="The main number, in any format the organisation form takes."
    )
    street: str = ""
    postcode: str = ""
    city: str = ""
    threshold: Score = Field(CHECK_THRESHOLD, description="Lowest score to report.")
    limit: CheckLimit = 5


class OrganizationCandidateOut(Schema):
    id: int
    name: str
    domain: str
    city: str
    score: float = Field(description="Probability in 0..1 that this is the same organisation.")
    reasons: list[str]
    summary: str = Field(description='e.g. "same domain, same name, 100%".')


class OrganizationCheckOut(Schema):
    results: list[OrganizationCandidateOut]


@router.post(
    "/organizations/duplicates/check",
    response={200: OrganizationCheckOut, **QUERY_ERRORS},
    summary="Find likely duplicates of an organisation",
)
def check_organization(request: HttpRequest, payload: OrganizationCheckIn) -> dict[str, object]:
    """Organisations you may see that are likely the one described, best first, with a
    score and reasons ("same name", "same domain", "same address"…). Nothing is saved."""
    data = payload.model_dump()
    if not (data["name"].strip() or data["domain"].strip() or data["phone"].strip()):
        raise ValidationFailed({"name": ["Give a name, a domain or a phone to check."]})
    profile = organization_profile_from_data(data)
    return _check(request, "organization", profile, payload.organization_id, payload)


router.add_router("/", review_router)
router.add_router("/", merge_router)
