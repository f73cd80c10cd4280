"""The people/organisation services: permissions, audit, versions, validation, bulk actions."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.audit import audit_history
from rapport.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from rapport.dedupe.models import MatchProfile
from rapport.people import bulk, services
from rapport.people.custom_field_services import (
    custom_field_create,
    custom_field_delete,
    custom_field_update,
)
from rapport.people.models import CustomFieldDefinition, Organization, Person
from rapport.people.saved_views import saved_view_delete, saved_view_save


def test_creating_a_person_records_who_did_it_and_what_was_set(
    workspace: Any, make_person: Any
) -> None:
    # Given / When a rep adds a person
    person = make_person(emails=["Ana@Example.COM"], tags=["vip"])

    # Then the rep owns it, it sits in the rep's team and the audit trail says so
    assert person.owner == workspace.rep
    assert person.team == workspace.north
    assert person.version == 1
    [event] = audit_history(entity_type="person", entity_id=person.pk)
    assert event.action == "create"
    assert event.actor == workspace.rep
    assert event.changes["first_name"] == [None, "Ana"]
    assert event.changes["tags"] == [None, ["vip"]]


def test_emails_are_normalised_and_the_first_is_primary(make_person: Any) -> None:
    person = make_person(
        emails=["  Ana.Souza@Example.COM ", "second@example.org", "ana.souza@example.com"]
    )

    assert person.email == "ana.souza@example.com"
    assert list(person.emails.values_list("email", "is_primary")) == [
        ("ana.souza@example.com", True),
        ("second@example.org", False),
    ]


def test_phones_are_stored_in_e164(make_person: Any) -> None:
    person = make_person(phones=["(415) 555-2671", "+44 20 7946 0958"])

    assert person.phone == "+14155552671"
    assert sorted(person.phones.values_list("number", flat=True)) == [
        "+14155552671",
        "+442079460958",
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"emails": ["not an address"]}, "emails"),
        ({"phones": ["12"]}, "phones"),
        ({"lifecycle_stage": "space-cadet"}, "lifecycle_stage"),
        ({"country": "Portugal"}, "country"),
        ({"first_name": "", "last_name": "", "emails": []}, "first_name"),
    ],
)
def test_invalid_input_is_refused_with_a_message_for_the_field(
    make_person: Any, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_person(**data)

    assert isinstance(caught.value.detail, dict)
    assert caught.value.detail[field]
    assert not Person.objects.exists()


def test_an_update_bumps_the_version_and_audits_old_and_new(
    workspace: Any, make_person: Any
) -> None:
    person = make_person(lifecycle_stage="prospect")

    updated = services.person_update(
        actor=workspace.rep, person=person, data={"lifecycle_stage": "customer"}, expected_version=1
    )

    assert updated.version == 2
    latest = audit_history(entity_type="person", entity_id=person.pk).first()
    assert latest is not None
    assert latest.action == "update"
    assert latest.changes == {"lifecycle_stage": ["prospect", "customer"]}


def test_an_update_that_changes_nothing_keeps_the_version(workspace: Any, make_person: Any) -> None:
    person = make_person(first_name="Ana")

    same = services.person_update(actor=workspace.rep, person=person, data={"first_name": "Ana"})

    assert same.version == 1
    assert audit_history(entity_type="person", entity_id=person.pk).count() == 1


def test_a_stale_version_is_refused_instead_of_overwriting(
    workspace: Any, make_person: Any
) -> None:
    person = make_person(first_name="Ana")
    services.person_update(actor=workspace.rep2, person=person, data={"first_name": "Anna"})

    with pytest.raises(StaleVersion):
        services.person_update(
            actor=workspace.rep, person=person, data={"first_name": "Ana-Maria"}, expected_version=1
        )

    person.refresh_from_db()
    assert person.first_name == "Anna"


def test_a_viewer_cannot_create_or_change(workspace: Any, make_person: Any) -> None:
    person = make_person()

    with pytest.raises(PermissionDenied):
        services.person_create(actor=workspace.viewer, data={"first_name": "Vic's friend"})
    with pytest.raises(PermissionDenied):
        services.person_update(actor=workspace.viewer, person=person, data={"first_name": "X"})


def test_a_rep_cannot_change_another_teams_record(workspace: Any, make_person: Any) -> None:
    southern = make_person(actor=workspace.other_rep)

    with pytest.raises(PermissionDenied):
        services.person_update(actor=workspace.rep, person=southern, data={"first_name": "X"})
    with pytest.raises(PermissionDenied):
        services.person_delete(actor=workspace.rep, person=southern)


def test_a_rep_may_only_assign_to_team_mates(workspace: Any, make_person: Any) -> None:
    person = make_person()

    with pytest.raises(ValidationFailed) as caught:
        services.person_update(
            actor=workspace.rep, person=person, data={"owner": workspace.other_rep}
        )
    assert "owner" in caught.value.detail

    moved = services.person_update(
        actor=workspace.rep, person=person, data={"owner": workspace.rep2.pk}
    )
    assert moved.owner == workspace.rep2


def test_soft_delete_and_restore_keep_the_row_and_audit_both(
    workspace: Any, make_person: Any
) -> None:
    person = make_person()

    services.person_delete(actor=workspace.rep, person=person)
    assert not Person.objects.alive().filter(pk=person.pk).exists()
    assert Person.objects.deleted().filter(pk=person.pk).exists()

    person.refresh_from_db()
    services.person_restore(actor=workspace.rep, person=person)
    person.refresh_from_db()
    assert person.deleted_at is None
    actions = list(
        audit_history(entity_type="person", entity_id=person.pk).values_list("action", flat=True)
    )
    assert actions[:2] == ["restore", "delete"]


def test_organisations_links_are_checked_against_what_the_actor_sees(
    workspace: Any, make_person: Any, make_org: Any
) -> None:
    hidden = make_org(actor=workspace.other_rep, name="Southern Co")
    visible = make_org(name="Northern Co")

    with pytest.raises(ValidationFailed) as caught:
        make_person(organizations=[{"organization_id": hidden.pk, "role": "CEO"}])
    assert "organizations" in caught.value.detail

    person = make_person(organizations=[{"organization_id": visible.pk, "role": "CTO"}])
    assert [(a.organization.name, a.role) for a in person.affiliations.all()] == [
        ("Northern Co", "CTO")
    ]


def test_custom_fields_are_validated_against_their_definitions(
    workspace: Any, make_person: Any
) -> None:
    custom_field_create(
        actor=workspace.admin,
        data={"entity": "person", "key": "shoe_size", "label": "Shoe size", "field_type": "number"},
    )
    custom_field_create(
        actor=workspace.admin,
        data={
            "entity": "person", "key": "plan", "label": "Plan", "field_type": "choice",
            "choices": ["basic", "pro"], "required": True,
        },
    )  # fmt: skip

    with pytest.raises(ValidationFailed) as caught:
        make_person(custom_fields={"shoe_size": "big", "plan": "gold"})
    assert set(caught.value.detail) == {"custom_fields.shoe_size", "custom_fields.plan"}

    with pytest.raises(ValidationFailed) as missing:
        make_person(custom_fields={"shoe_size": "42"})
    assert "custom_fields.plan" in missing.value.detail

    person = make_person(custom_fields={"shoe_size": "42", "plan": "pro"})
    assert person.custom_fields == {"shoe_size": 42, "plan": "pro"}


def test_custom_field_definitions_are_for_admins_and_keep_their_key(workspace: Any) -> None:
    with pytest.raises(PermissionDenied):
        custom_field_create(
            actor=workspace.manager,
            data={"entity": "person", "key": "x", "label": "X", "field_type": "text"},
        )
    with pytest.raises(ValidationFailed) as no_choices:
        custom_field_create(
            actor=workspace.admin,
            data={"entity": "person", "key": "tier", "label": "Tier", "field_type": "choice"},
        )
    assert "choices" in no_choices.value.detail
    with pytest.raises(ValidationFailed) as bad_key:
        custom_field_create(
            actor=workspace.admin,
            data={"entity": "person", "key": "Not A Key", "label": "X", "field_type": "text"},
        )
    assert "key" in bad_key.value.detail

    definition = custom_field_create(
        actor=workspace.admin,
        data={
            "entity": "person",
            "key": "tier",
            "label": "Tier",
            "field_type": "choice",
            "choices": ["a"],
        },
    )
    custom_field_update(
        actor=workspace.admin, definition=definition, data={"label": "Level", "choices": ["a", "b"]}
    )
    definition.refresh_from_db()
    assert (definition.key, definition.label, definition.choices) == ("tier", "Level", ["a", "b"])

    with pytest.raises(ValidationFailed):
        custom_field_create(
            actor=workspace.admin,
            data={"entity": "person", "key": "tier", "label": "Again", "field_type": "text"},
        )
    custom_field_delete(actor=workspace.admin, definition=definition)
    assert not CustomFieldDefinition.objects.exists()


def test_organisation_update_with_a_stale_version_is_refused(workspace: Any, make_org: Any) -> None:
    org = make_org(domain="https://www.Acme.example/about")
    assert org.domain == "acme.example"
    services.organization_update(actor=workspace.rep, organization=org, data={"industry": "Food"})

    with pytest.raises(StaleVersion):
        services.organization_update(
            actor=workspace.rep, organization=org, data={"industry": "Retail"}, expected_version=1
        )


# --- bulk actions -------------------------------------------------------------------------------


def test_bulk_tagging_skips_records_outside_the_write_scope(
    workspace: Any, make_person: Any
) -> None:
    mine = make_person(first_name="Mine")
    team_mates = make_person(actor=workspace.rep2, first_name="Team")
    southern = make_person(actor=workspace.other_rep, first_name="South")

    changed = bulk.bulk_add_tags(
        actor=workspace.rep, model=Person, ids=[mine.pk, team_mates.pk, southern.pk], tags=["vip"]
    )

    assert changed == 2
    tagged = set(Person.objects.filter(tags__name="vip").values_list("first_name", flat=True))
    assert tagged == {"Mine", "Team"}
    event = audit_history(entity_type="person", entity_id=mine.pk).first()
    assert event is not None and event.changes == {"tags_added": [None, ["vip"]]}
    assert (
        audit_history(entity_type="person", entity_id=southern.pk).count() == 1
    )  # only its creation


def test_bulk_actions_are_refused_to_viewers(workspace: Any, make_person: Any) -> None:
    person = make_person()

    with pytest.raises(PermissionDenied):
        bulk.bulk_delete(actor=workspace.viewer, model=Person, ids=[person.pk])


def test_bulk_assign_owner_and_stage_and_delete(workspace: Any, make_person: Any) -> None:
    people = [make_person(first_name=f"P{i}") for i in range(3)]
    ids = [p.pk for p in people]

    assert (
        bulk.bulk_assign_owner(actor=workspace.rep, model=Person, ids=ids, owner=workspace.rep2)
        == 3
    )
    assert set(Person.objects.values_list("owner", flat=True)) == {workspace.rep2.pk}
    with pytest.raises(ValidationFailed):
        bulk.bulk_assign_owner(
            actor=workspace.rep, model=Person, ids=ids, owner=workspace.other_rep
        )

    assert bulk.bulk_set_stage(actor=workspace.rep, ids=ids, stage="loyal") == 3
    assert set(Person.objects.values_list("lifecycle_stage", flat=True)) == {"loyal"}
    assert set(Person.objects.values_list("version", flat=True)) == {3}

    assert bulk.bulk_delete(actor=workspace.manager, model=Person, ids=ids[:2]) == 2
    assert Person.objects.alive().count() == 1


def test_bulk_actions_on_organisations(workspace: Any, make_org: Any) -> None:
    org = make_org()
    southern = make_org(actor=workspace.other_rep, name="South Co")

    assert (
        bulk.bulk_add_tags(
            actor=workspace.rep, model=Organization, ids=[org.pk, southern.pk], tags=["x"]
        )
        == 1
    )


# --- saved views --------------------------------------------------------------------------------


def test_saving_a_view_drops_the_page_and_overwrites_by_name(workspace: Any) -> None:
    view = saved_view_save(
        user=workspace.rep, entity="person", name="VIPs", query="?tag=vip&page=3"
    )
    again = saved_view_save(
        user=workspace.rep, entity="person", name="VIPs", query="tag=vip&stage=loyal"
    )

    assert view.pk == again.pk
    assert again.query == "tag=vip&stage=loyal"
    with pytest.raises(ValidationFailed):
        saved_view_save(user=workspace.rep, entity="person", name="  ", query="")


def test_a_user_cannot_delete_someone_elses_saved_view(workspace: Any) -> None:
    from rapport.core.errors import NotFound

    view = saved_view_save(user=workspace.rep, entity="person", name="Mine", query="tag=vip")

    with pytest.raises(NotFound):
        saved_view_delete(user=workspace.rep2, pk=view.pk)
    saved_view_delete(user=workspace.rep, pk=view.pk)


def test_renaming_an_organisation_refreshes_its_peoples_search_and_duplicate_profile(
    workspace: Any, make_person: Any, make_org: Any
) -> None:
    # Given a person at Acme
    org = make_org(name="Acme Bakery")
    person = make_person(organizations=[{"organization_id": org.pk}])
    # When the organisation is renamed
    services.organization_update(actor=workspace.rep, organization=org, data={"name": "Globex"})
    # Then search and the duplicate check see the person at the new name
    person.refresh_from_db()
    assert "globex" in person.search_text
    profile = MatchProfile.objects.get(entity="person", record_id=person.pk)
    assert profile.data["organisation"] == "Globex"


def test_renaming_an_organisation_rewrites_its_peoples_search_text_in_a_few_queries(
    workspace: Any, make_person: Any, make_org: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rapport.people.search import build_search_text

    # Given an organisation with one person, and one with twenty (one also at Umbrella)
    small, big, other = make_org(name="Acme"), make_org(name="Initech"), make_org(name="Umbrella")
    make_person(organizations=[{"organization_id": small.pk}])
    people = [
        make_person(first_name=f"P{i}", emails=[f"p{i}@example.com"], phones=[f"+141555501{i:02d}"],
                    organizations=[{"organization_id": big.pk}]
                    + ([{"organization_id": other.pk}] if i == 0 else []))
        for i in range(20)
    ]  # fmt: skip
    with CaptureQueriesContext(connection) as one_person:
        services.organization_update(actor=workspace.rep, organization=small, data={"name": "X"})
    # When the big one is renamed, it takes no more queries than the small one did
    with django_assert_max_num_queries(len(one_person.captured_queries)):
        services.organization_update(actor=workspace.rep, organization=big, data={"name": "Globex"})
    # Then each person's search text has the new name, as a refresh of that one person says
    for i, person in enumerate(people):
        person.refresh_from_db()
        stored = person.search_text
        services.person_refresh_search(person)
        assert stored == person.search_text == build_search_text(
            names=[f"P{i}", "Souza"], emails=[f"p{i}@example.com"], phones=[f"+141555501{i:02d}"],
            extra=["Globex", "Umbrella"] if i == 0 else ["Globex"],
        )  # fmt: skip
    assert "globex" in people[5].search_text and "initech" not in people[5].search_text
