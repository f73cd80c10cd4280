"""Which value of each field the merged record keeps.

A choice is "survivor" or "duplicate" per field (or field group: the address
and the consent travel together). The default is the most recent non-empty
value: the duplicate's when the survivor has none, or when both have one and
the duplicate was updated more recently. Custom fields are united key by key
with the same rule; e-mails, phones, tags and affiliations are all kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.dateparse import parse_date, parse_datetime

from rapport.core.errors import ValidationFailed
from rapport.people.models import ConsentStatus, Organization, Person

SURVIVOR, DUPLICATE = "survivor", "duplicate"


@dataclass(frozen=True)
class FieldGroup:
    name: str
    label: str
    fields: tuple[str, ...]  # model attribute names (attnames for foreign keys)


PERSON_GROUPS = (
    FieldGroup("honorific", "Honorific", ("honorific",)),
    FieldGroup("first_name", "First name", ("first_name",)),
    FieldGroup("middle_name", "Middle name", ("middle_name",)),
    FieldGroup("last_name", "Last name", ("last_name",)),
    FieldGroup("suffix", "Suffix", ("suffix",)),
    FieldGroup("email", "Primary e-mail", ("email",)),
    FieldGroup("phone", "Primary phone", ("phone",)),
    FieldGroup("title", "Job title", ("title",)),
    FieldGroup("birthday", "Birthday", ("birthday",)),
    FieldGroup("source", "Source", ("source",)),
    FieldGroup("lifecycle_stage", "Lifecycle stage", ("lifecycle_stage",)),
    FieldGroup("email_consent", "E-mail consent",
               ("email_consent", "email_consent_at", "email_consent_method")),
    FieldGroup("address", "Address", ("street", "city", "region", "postcode", "country")),
    FieldGroup("owner", "Owner", ("owner_id",)),
    FieldGroup("team", "Team", ("team_id",)),
)  # fmt: skip
ORG_GROUPS = (
    FieldGroup("name", "Name", ("name",)),
    FieldGroup("domain", "Domain", ("domain",)),
    FieldGroup("phone", "Phone", ("phone",)),
    FieldGroup("industry", "Industry", ("industry",)),
    FieldGroup("size", "Employees", ("size",)),
    FieldGroup("relationship_type", "Relationship", ("relationship_type",)),
    FieldGroup("address", "Address", ("street", "city", "region", "postcode", "country")),
    FieldGroup("owner", "Owner", ("owner_id",)),
    FieldGroup("team", "Team", ("team_id",)),
)
# Values that mean "nobody said": they never win over a real answer.
UNSET = {"email_consent": {ConsentStatus.UNKNOWN.value}}

Record = Person | Organization


def groups_for(record: models.Model) -> tuple[FieldGroup, ...]:
    return PERSON_GROUPS if isinstance(record, Person) else ORG_GROUPS


def _empty(group: FieldGroup, record: models.Model) -> bool:
    values = [getattr(record, name) for name in group.fields]
    lead = group.fields[0]
    if values[0] in UNSET.get(lead, set()):
        return True
    return all(v in (None, "") for v in values)


def default_choice(group: FieldGroup, survivor: Record, duplicate: Record) -> str:
    if _empty(group, duplicate):
        return SURVIVOR
    if _empty(group, survivor) or duplicate.updated_at > survivor.updated_at:
        return DUPLICATE
    return SURVIVOR


def check_choice_names(record: Record, choices: Mapping[str, str]) -> None:
    """Refuse choices naming no field group, or choosing neither side (API input)."""
    names = {group.name for group in groups_for(record)}
    errors: dict[str, list[str]] = {}
    for name, value in choices.items():
        if name not in names:
            errors[name] = [
                f"Not a field that can be chosen; use one of: {', '.join(sorted(names))}."
            ]
        elif value not in (SURVIVOR, DUPLICATE):
            errors[name] = [f'Must be "{SURVIVOR}" or "{DUPLICATE}".']
    if errors:
        raise ValidationFailed(errors)


def resolve_choices(
    survivor: Record, duplicate: Record, choices: Mapping[str, str]
) -> dict[str, str]:
    """Every group's choice: what the user picked, else the default."""
    out = {}
    for group in groups_for(survivor):
        picked = choices.get(group.name)
        out[group.name] = (
            picked
            if picked in (SURVIVOR, DUPLICATE)
            else default_choice(group, survivor, duplicate)
        )
    return out


def merged_custom_fields(survivor: Record, duplicate: Record) -> dict[str, Any]:
    newer_dup = duplicate.updated_at > survivor.updated_at
    merged = dict(survivor.custom_fields)
    for key, value in duplicate.custom_fields.items():
        if value in (None, ""):
            continue
        if merged.get(key) in (None, "") or newer_dup:
            merged[key] = value
    return merged


def dump(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def load(record: models.Model, attname: str, value: Any) -> Any:
    if value is None:
        return None
    field = next(f for f in record._meta.concrete_fields if f.attname == attname)
    if isinstance(field, models.DateTimeField):
        return parse_datetime(value)
    if isinstance(field, models.DateField):
        return parse_date(value)
    return value


def field_values(record: Record) -> dict[str, Any]:
    """The choosable fields (plus custom fields) as JSON-ready values."""
    values = {name: dump(getattr(record, name)) for g in groups_for(record) for name in g.fields}
    values["custom_fields"] = dict(record.custom_fields)
    return values


def apply_choices(survivor: Record, duplicate: Record, choices: Mapping[str, str]) -> None:
    """Copy the chosen values onto ``survivor`` (unsaved)."""
    for group in groups_for(survivor):
        if choices.get(group.name) == DUPLICATE:
            for name in group.fields:
                setattr(survivor, name, getattr(duplicate, name))
    survivor.custom_fields = merged_custom_fields(survivor, duplicate)
