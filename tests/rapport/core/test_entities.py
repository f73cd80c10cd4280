"""The registry of record kinds: people register theirs, and a new kind plugs in."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from rapport.core import entities
from rapport.core.entities import (
    EntityKind,
    entity_choices,
    entity_kind,
    entity_of,
    entity_plural_choices,
    must_be_entity,
    register_entity,
)
from rapport.core.errors import ValidationFailed
from rapport.people.custom_field_services import custom_field_create
from rapport.people.models import CustomFieldDefinition, Organization, Person, Tag
from rapport.people.selectors import person_detail


@pytest.fixture
def third_kind(monkeypatch: pytest.MonkeyPatch) -> EntityKind:
    """A kind registered the way a deals app would, removed again after the test."""
    monkeypatch.setattr(entities, "_KINDS", dict(entities._KINDS))
    kind = EntityKind(
        key="deal", model=Tag, label="Deal", plural_label="Deals", noun="deal",
        plural_noun="deals", collection="deals", detail_url="people:person_detail",
        list_url="people:person_list", detail=person_detail, name_of=lambda t: t.name,
    )  # fmt: skip
    register_entity(kind)
    return kind


def test_people_register_person_and_organisation_with_the_stored_keys() -> None:
    assert entity_choices() == [("person", "Person"), ("organization", "Organisation")]
    assert entity_plural_choices() == [("person", "People"), ("organization", "Organisations")]
    assert entity_kind("organization").model is Organization
    assert entity_of(Person()).key == "person"
    assert entity_of(Organization).detail_url == "people:organization_detail"
    with pytest.raises(LookupError):
        entity_kind("deal")


def test_an_unknown_kind_is_refused_with_the_known_ones_listed() -> None:
    assert must_be_entity("person") is None
    assert must_be_entity("deal") == "Must be one of: person, organization."
    assert must_be_entity(None) == "Must be one of: person, organization."


def test_a_third_kind_plugs_into_entity_columns_and_custom_fields(
    workspace: Any, third_kind: EntityKind
) -> None:
    field = CustomFieldDefinition._meta.get_field("entity")
    assert ("deal", "Deal") in list(field.choices or [])
    definition = custom_field_create(
        actor=workspace.admin,
        data={"entity": "deal", "key": "stage", "label": "Stage", "field_type": "text"},
    )
    definition.full_clean()  # the column's choices accept the new kind
    assert CustomFieldDefinition.objects.get(pk=definition.pk).entity == "deal"


def test_a_key_registered_twice_for_different_kinds_is_a_configuration_error(
    third_kind: EntityKind,
) -> None:
    register_entity(third_kind)  # the same kind again (a second ready()) is fine
    with pytest.raises(ImproperlyConfigured):
        register_entity(EntityKind(**{**third_kind.__dict__, "label": "Other"}))


def test_custom_fields_still_refuse_kinds_nobody_registered(workspace: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        custom_field_create(
            actor=workspace.admin,
            data={"entity": "deal", "key": "stage", "label": "Stage", "field_type": "text"},
        )
    assert caught.value.detail["entity"] == ["Must be one of: person, organization."]
