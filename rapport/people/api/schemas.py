"""Request and response shapes for people, organisations and custom field definitions.

Input schemas are partial: every field is optional and only the keys a client
sends reach the service (``exclude_unset``), so PATCH changes just those. Unknown
keys are refused (a misspelt field must not be silently ignored).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.api.types import (
    NON_BLANK,
    ApiDate,
    ApiDateTime,
    DbId,
    JsonBool,
    Position,
    QueryId,
    non_blank,
    not_null,
)
from rapport.core.entities import entity_enum
from rapport.people.models import (
    ConsentStatus,
    CustomFieldType,
    LifecycleStage,
    Organization,
    OrganizationSize,
    Person,
    RelationshipType,
)

PersonSort = Literal["-updated", "updated", "name", "-name", "-created", "created"]
OrganizationSort = PersonSort

if TYPE_CHECKING:
    CustomFieldEntity = str
else:  # every registered kind of record can have custom fields
    CustomFieldEntity = entity_enum("CustomFieldEntity")


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")

    def to_service_data(self) -> dict[str, Any]:
        """The keys the client sent, as plain values, with ``owner_id``/``team_id`` → ``owner``/``team``."""
        data = self.model_dump(exclude_unset=True)
        for key, value in list(data.items()):
            if isinstance(value, Enum):
                data[key] = value.value
        for api_name, service_name in (("owner_id", "owner"), ("team_id", "team")):
            if api_name in data:
                data[service_name] = data.pop(api_name)
        return data


# --- shared list parameters -------------------------------------------------------------


class ListParams(Schema):
    q: str | None = Field(
        None, description="Search names, e-mails, phones (and organisation names for people)."
    )
    owner: str | None = Field(
        None,
        description="A user id, `me` or `none`.",
        json_schema_extra={"pattern": r"^(|me|none|[0-9]{1,19})$"},
    )
    team: QueryId | None = Field(None, description="A team id.")
    tag: str | None = Field(None, description="A tag name.")
    trash: bool = Field(False, description="List deleted records instead of live ones.")
    limit: int = Field(50, ge=1, le=200, description="Rows per page (at most 200).")
    cursor: str | None = Field(None, description="The opaque cursor from a previous page's `next`.")


class PersonListParams(ListParams):
    stage: LifecycleStage | None = None
    consent: ConsentStatus | None = None
    organization: QueryId | None = Field(
        None, description="People affiliated with this organisation id."
    )
    sort: PersonSort = "-updated"


class OrganizationListParams(ListParams):
    relationship_type: RelationshipType | None = None
    sort: OrganizationSort = "-updated"


# --- a committed write on a record the caller may no longer see ------------------------------


class OutOfSightOut(Schema):
    """The answer to a create or change that committed but left the record out of the
    caller's sight (they gave it to a team-mate under *private* visibility, or cleared its
    team): the id, and no other field, so nothing they may not see leaks. Do not retry."""

    id: int
    visible: Literal[False] = Field(
        False, description="Always false: the write committed, but you may no longer see it."
    )
    detail: str


def out_of_sight(pk: int, noun: str) -> OutOfSightOut:
    return OutOfSightOut(
        id=pk,
        visible=False,
        detail=f"Saved. You may no longer see this {noun}: it now belongs to someone else.",
    )


# --- people -------------------------------------------------------------------------------


class AffiliationOut(Schema):
    organization_id: int
    name: str = Field(
        description='The organisation\'s name, or "an organisation you cannot see" when you may '
        "not see it (send it back unchanged: saving keeps such affiliations as they are)."
    )
    visible: bool = Field(description="Whether you may see the organisation.")
    role: str
    is_primary: bool


class PersonOut(Schema):
    id: int
    full_name: str
    honorific: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    email: str = Field(description="The primary e-mail address (the first of `emails`).")
    phone: str = Field(description="The primary phone number in E.164 (the first of `phones`).")
    emails: list[str]
    phones: list[str]
    title: str
    birthday: dt.date | None
    source: str
    street: str
    city: str
    region: str
    postcode: str
    country: str
    lifecycle_stage: LifecycleStage
    email_consent: ConsentStatus
    email_consent_at: dt.datetime | None
    email_consent_method: str
    organizations: list[AffiliationOut]
    tags: list[str]
    owner_id: int | None
    team_id: int | None
    custom_fields: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    deleted: bool
    deleted_at: dt.datetime | None

    @staticmethod
    def resolve_emails(obj: Person) -> list[str]:
        return [row.email for row in obj.emails.all()]

    @staticmethod
    def resolve_phones(obj: Person) -> list[str]:
        return [row.number for row in obj.phones.all()]

    @staticmethod
    def resolve_organizations(obj: Person) -> list[dict[str, Any]]:
        return [
            {"organization_id": a.organization_id, "name": a.organization_label,
             "visible": not a.organization_hidden, "role": a.role, "is_primary": a.is_primary}
            for a in obj.affiliations.all()
        ]  # fmt: skip

    @staticmethod
    def resolve_tags(obj: Person | Organization) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_deleted(obj: Person | Organization) -> bool:
        return obj.deleted_at is not None


class PersonPage(Schema):
    results: list[PersonOut]
    next: str | None = Field(description="The URL of the next page, or null on the last page.")


class AffiliationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    organization_id: DbId
    role: str = ""


class PersonIn(InputSchema):
    """A person to create, or the fields to change (send only those)."""

    honorific: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    suffix: str | None = None
    emails: list[str] = Field(
        default_factory=list,
        description="Replaces all e-mails; the first is primary. At most 20 (the"
        " `RAPPORT_MAX_EMAILS_PER_PERSON` setting); more is a 422.",
    )
    phones: list[str] = Field(
        default_factory=list,
        description="Replaces all phones; the first is primary. At most 20 (the"
        " `RAPPORT_MAX_PHONES_PER_PERSON` setting); more is a 422.",
    )
    title: str | None = None
    birthday: ApiDate | None = None
    source: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = Field(None, description="ISO 3166 two-letter code.")
    lifecycle_stage: LifecycleStage | None = not_null()
    email_consent: ConsentStatus | None = not_null()
    email_consent_at: ApiDateTime | None = None
    email_consent_method: str | None = None
    organizations: list[AffiliationIn] = Field(
        default_factory=list,
        description="Replaces all affiliations; the first is primary. At most 200 (the"
        " `RAPPORT_MAX_AFFILIATIONS_PER_PERSON` setting); more is a 422. Affiliations with"
        " organisations you may not see are kept as they are, whether sent or not.",
    )
    tags: list[str] = Field(
        default_factory=list,
        description="Replaces all tags. At most 100 (the `RAPPORT_MAX_TAGS_PER_RECORD` setting);"
        " more is a 422.",
    )
    owner_id: DbId | None = None
    team_id: DbId | None = None
    custom_fields: dict[str, Any] = Field(
        default_factory=dict, description="Merged into the stored values; null removes a value."
    )


# --- organisations -------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    name: str
    domain: str
    phone: str = Field(description="The main (switchboard) number in E.164, or empty.")
    industry: str
    size: OrganizationSize
    relationship_type: RelationshipType
    street: str
    city: str
    region: str
    postcode: str
    country: str
    tags: list[str]
    owner_id: int | None
    team_id: int | None
    custom_fields: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    deleted: bool
    deleted_at: dt.datetime | None

    @staticmethod
    def resolve_tags(obj: Organization) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_deleted(obj: Organization) -> bool:
        return obj.deleted_at is not None


class OrganizationPage(Schema):
    results: list[OrganizationOut]
    next: str | None = Field(description="The URL of the next page, or null on the last page.")


class OrganizationIn(InputSchema):
    """An organisation to create, or the fields to change (send only those)."""

    name: str | None = non_blank()
    domain: str | None = None
    phone: str | None = Field(
        None, description="The main number; read with the default region unless it starts with +."
    )
    industry: str | None = None
    size: OrganizationSize | None = None
    relationship_type: RelationshipType | None = not_null()
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = Field(None, description="ISO 3166 two-letter code.")
    tags: list[str] = Field(
        default_factory=list,
        description="Replaces all tags. At most 100 (the `RAPPORT_MAX_TAGS_PER_RECORD` setting);"
        " more is a 422.",
    )
    owner_id: DbId | None = None
    team_id: DbId | None = None
    custom_fields: dict[str, Any] = Field(
        default_factory=dict, description="Merged into the stored values; null removes a value."
    )


# --- people of an organisation ----------------------------------------------------------------


class OrganizationPersonOut(Schema):
    person_id: int
    full_name: str
    email: str
    role: str
    is_primary: bool


# --- custom field definitions -----------------------------------------------------------------


class CustomFieldOut(Schema):
    id: int
    entity: CustomFieldEntity
    key: str
    label: str
    field_type: CustomFieldType
    choices: list[str]
    required: bool
    position: int


class CustomFieldCreate(InputSchema):
    entity: CustomFieldEntity
    key: str = Field(
        description="Lower-case letters, digits and _, starting with a letter; used in the API and `cf_<key>` filters.",
        json_schema_extra={"pattern": r"^[A-Za-z][A-Za-z0-9_]{0,49}$"},
    )
    label: str = Field(json_schema_extra=NON_BLANK)
    field_type: CustomFieldType
    choices: list[str] = Field(default_factory=list, description="Required for `choice` fields.")
    required: JsonBool = False
    position: Position = 0


class CustomFieldUpdate(InputSchema):
    """The entity, key and type are fixed once made: stored values depend on them."""

    label: str | None = None
    choices: list[str] = Field(default_factory=list)
    required: JsonBool = False
    position: Position = 0
