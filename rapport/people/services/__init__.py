"""Writes for people and organisations: create, update, delete, restore.

Every write is atomic, checks permissions against ``rapport.accounts.access``,
bumps the record's version and records an audit event with the field changes.
"""

from rapport.people.services.common import tags_get_or_create
from rapport.people.services.organizations import (
    ORG_TEXT_FIELDS,
    organization_create,
    organization_delete,
    organization_restore,
    organization_update,
)
from rapport.people.services.persons import (
    PERSON_TEXT_FIELDS,
    person_create,
    person_delete,
    person_refresh_search,
    person_restore,
    person_update,
)

__all__ = [
    "ORG_TEXT_FIELDS",
    "PERSON_TEXT_FIELDS",
    "organization_create",
    "organization_delete",
    "organization_restore",
    "organization_update",
    "person_create",
    "person_delete",
    "person_refresh_search",
    "person_restore",
    "person_update",
    "tags_get_or_create",
]
