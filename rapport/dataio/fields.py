"""What a column can be imported into, and which column names suggest which field.

The names cover the exports of HubSpot, Salesforce, Pipedrive, Google Contacts and
Outlook (and Rapport's own export), compared without case, spaces or punctuation.
Custom fields are recognised by key or label and map to ``cf:<key>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapport.people.custom_fields import definitions_for
from rapport.people.normalize import fold

IGNORE = ""
CUSTOM_PREFIX = "cf:"
# Fields that collect every mapped column (in column order); the others take the
# first non-empty one, so "Business Street" and "Home Street" can both be mapped.
MULTI_VALUED = frozenset({"email", "phone", "tags"})

PERSON_FIELDS: dict[str, str] = {
    "external_id": "External id", "honorific": "Honorific", "first_name": "First name",
    "middle_name": "Middle name", "last_name": "Last name", "suffix": "Suffix",
    "full_name": "Full name (split into first and last)", "email": "E-mail", "phone": "Phone",
    "title": "Job title", "organization": "Organisation (by name)", "tags": "Tags",
    "lifecycle_stage": "Lifecycle stage", "email_consent": "E-mail consent", "birthday": "Birthday",
    "street": "Street", "city": "City", "region": "Region", "postcode": "Postcode",
    "country": "Country", "source": "Source", "owner": "Owner (username or e-mail)",
}  # fmt: skip
ORG_FIELDS: dict[str, str] = {
    "external_id": "External id", "name": "Name", "domain": "Domain", "phone": "Phone",
    "industry": "Industry",
    "size": "Size", "relationship_type": "Relationship", "tags": "Tags", "street": "Street",
    "city": "City", "region": "Region", "postcode": "Postcode", "country": "Country",
    "owner": "Owner (username or e-mail)",
}  # fmt: skip
KEYS = {
    "person": {"email": "E-mail", "phone": "Phone", "external_id": "External id"},
    "organization": {"domain": "Domain", "external_id": "External id", "name": "Name"},
}

_PERSON_SYNONYMS: dict[str, Sequence[str]] = {
    "external_id": ["external id", "id", "record id", "contact id", "lead id", "person id", "uid",
                    "hubspot id", "salesforce id", "crm id"],
    "honorific": ["honorific", "salutation", "prefix", "name prefix", "courtesy title"],
    "first_name": ["first name", "firstname", "given name", "forename", "first"],
    "middle_name": ["middle name", "additional name", "middle"],
    "last_name": ["last name", "lastname", "family name", "surname", "last"],
    "suffix": ["suffix", "name suffix"],
    "full_name": ["name", "full name", "display name", "contact name", "person name", "file as"],
    "email": ["email", "e mail", "email address", "e mail address", "email 2 address",
              "email 3 address", "work email", "home email", "other email", "primary email",
              "personal email", "email work", "email home", "email other", "mail"],
    "phone": ["phone", "phone number", "telephone", "tel", "mobile", "mobile phone",
              "mobile phone number", "cell", "cell phone", "business phone", "home phone",
              "work phone", "other phone", "primary phone", "phone work", "phone mobile",
              "phone home", "phone other", "business phone 2", "home phone 2"],
    "title": ["title", "job title", "jobtitle", "position", "role", "organization title",
              "job"],
    "organization": ["company", "company name", "organization", "organisation",
                     "organization name", "account name", "account", "employer", "org"],
    "tags": ["tags", "tag", "labels", "label", "categories", "category", "group membership",
             "groups"],
    "lifecycle_stage": ["lifecycle stage", "stage", "lifecycle", "lead status", "status"],
    "email_consent": ["email consent", "consent", "marketing consent", "email opt in",
                      "opted in", "subscription status", "marketing contact status"],
    "birthday": ["birthday", "birthdate", "birth date", "date of birth", "dob"],
    "street": ["street", "street address", "address", "address line 1", "mailing street",
               "business street", "home street", "other street", "address street"],
    "city": ["city", "town", "mailing city", "business city", "home city", "address city"],
    "region": ["region", "state", "state region", "province", "county", "mailing state province",
               "business state", "home state", "address region", "state province"],
    "postcode": ["postcode", "postal code", "zip", "zip code", "mailing zip postal code",
                 "business postal code", "home postal code", "address postal code",
                 "zip postal code"],
    "country": ["country", "country region", "mailing country", "business country region",
                "home country region", "address country", "country code"],
    "source": ["source", "lead source", "original source", "contact source"],
    "owner": ["owner", "contact owner", "lead owner", "record owner", "assigned to", "owner email"],
}  # fmt: skip
_ORG_SYNONYMS: dict[str, Sequence[str]] = {
    "external_id": ["external id", "id", "record id", "account id", "company id",
                    "organization id", "org id"],
    "name": ["name", "company", "company name", "organization", "organisation",
             "organization name", "account name", "account"],
    "domain": ["domain", "company domain name", "website", "web site", "url", "domain name"],
    "phone": ["phone", "phone number", "telephone", "tel", "company phone", "main phone",
              "account phone", "business phone", "office phone", "work phone", "switchboard",
              "primary phone", "phone main", "phone work"],
    "industry": ["industry", "sector"],
    "size": ["size", "employees", "number of employees", "company size", "headcount"],
    "relationship_type": ["relationship", "relationship type", "type", "account type",
                          "company type"],
    "tags": ["tags", "labels", "categories"],
    "street": ["street", "street address", "address", "billing street", "address line 1"],
    "city": ["city", "billing city", "town"],
    "region": ["region", "state", "state region", "billing state province", "province"],
    "postcode": ["postcode", "postal code", "zip", "zip code", "billing zip postal code"],
    "country": ["country", "country region", "billing country"],
    "owner": ["owner", "company owner", "account owner", "record owner"],
}  # fmt: skip
# Words that exports put before a field name ("Person - Email", "Contact Owner").
_PREFIXES = ("person", "contact", "lead", "organization", "organisation", "org", "primary")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NUMBERING = re.compile(r"\d+|value$")


def squash(name: str) -> str:
    return _NON_ALNUM.sub("", fold(name))


def _index(synonyms: dict[str, Sequence[str]], labels: dict[str, str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for field, names in synonyms.items():
        for name in [field, labels[field], *names]:
            index.setdefault(squash(name), field)
    return index


_PERSON_INDEX = _index(_PERSON_SYNONYMS, PERSON_FIELDS)
_ORG_INDEX = _index(_ORG_SYNONYMS, ORG_FIELDS)


def fields_for(entity: str) -> dict[str, str]:
    """Target field → label, custom fields included (as ``cf:<key>``)."""
    base = dict(PERSON_FIELDS if entity == "person" else ORG_FIELDS)
    for definition in definitions_for(entity):
        base[CUSTOM_PREFIX + definition.key] = f"{definition.label} (custom field)"
    return base


def _candidates(header: str) -> Iterable[str]:
    name = squash(header)
    yield name
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            yield name[len(prefix) :]
    stripped = _NUMBERING.sub("", name)
    if stripped != name:
        yield stripped
        for prefix in _PREFIXES:
            if stripped.startswith(prefix) and len(stripped) > len(prefix):
                yield stripped[len(prefix) :]


def suggest_mapping(headers: Sequence[str], entity: str) -> dict[str, str]:
    """Column name → suggested field ('' for none). Custom fields win on an exact key or
    label; each single-valued field is suggested for the first column that names it."""
    index = dict(_PERSON_INDEX if entity == "person" else _ORG_INDEX)
    for definition in definitions_for(entity):
        for name in (definition.key, definition.label):
            index[squash(name)] = CUSTOM_PREFIX + definition.key
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = next((index[c] for c in _candidates(header) if c in index), IGNORE)
        if field and field in taken and field not in MULTI_VALUED:
            field = IGNORE if field in ("full_name", "external_id") else field
        mapping[header] = field
        if field:
            taken.add(field)
    return mapping


def parse_map_options(
    options: Sequence[str], headers: Sequence[str], entity: str
) -> dict[str, str]:
    """``COLUMN=FIELD`` options from the command line over the suggestions."""
    mapping = suggest_mapping(headers, entity)
    known = fields_for(entity)
    for option in options:
        column, sep, field = option.partition("=")
        column, field = column.strip(), field.strip()
        if not sep or column not in mapping:
            raise ValueError(
                f"--map {option!r}: no column {column!r} in the file "
                f"(columns: {', '.join(headers)})."
            )
        if field and field not in known:
            raise ValueError(f"--map {option!r}: no field {field!r} (fields: {', '.join(known)}).")
        mapping[column] = field
    return mapping
