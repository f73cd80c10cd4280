"""People and organisations as kinds of record (``rapport.core.entities``)."""

from __future__ import annotations

from rapport.core.entities import EntityKind, register_entity
from rapport.people.models import Organization, Person
from rapport.people.selectors import organization_detail, person_detail

PERSON = EntityKind(
    key="person", model=Person, label="Person", plural_label="People", noun="person",
    plural_noun="people", collection="people", detail_url="people:person_detail",
    list_url="people:person_list", detail=person_detail, name_of=lambda p: p.full_name,
)  # fmt: skip
ORGANIZATION = EntityKind(
    key="organization", model=Organization, label="Organisation", plural_label="Organisations",
    noun="organisation", plural_noun="organisations", collection="organizations",
    detail_url="people:organization_detail", list_url="people:organization_list",
    detail=organization_detail, name_of=lambda o: o.name,
)  # fmt: skip


def register_entities() -> None:
    register_entity(PERSON)
    register_entity(ORGANIZATION)
