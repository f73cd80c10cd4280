"""The people, organisation and custom field endpoints, as a script would use them."""

from __future__ import annotations

from typing import Any

from rapport.accounts.services import workspace_set_visibility
from rapport.core.models import AuditEvent
from rapport.people.models import CustomFieldDefinition, Person

JSON = "application/json"
PEOPLE = "/api/v1/people"
ORGS = "/api/v1/organizations"
FIELDS = "/api/v1/custom-fields"


def names(response: Any) -> list[str]:
    return [row["full_name"] for row in response.json()["results"]]


# --- people: create, read, change, delete, restore -------------------------------------------


def test_a_rep_creates_a_person_with_everything_and_reads_it_back(
    workspace: Any, api_as: Any, make_org: Any
) -> None:
    # given an organisation rick can see
    acme = make_org(name="Acme Bakery")
    client = api_as(workspace.rep)
    # when he creates a person through the API
    response = client.post(PEOPLE, {
        "first_name": " Ana ", "last_name": "Souza", "emails": ["Ana@Example.COM", "ana@home.example"],
        "phones": ["+44 20 7946 0958"], "tags": ["vip", "newsletter"], "lifecycle_stage": "customer",
        "organizations": [{"organization_id": acme.pk, "role": "CTO"}], "birthday": "1990-04-01",
    }, content_type=JSON)  # fmt: skip
    # then it is created, normalised, and its address and ETag come back
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"].endswith(f"{PEOPLE}/{body['id']}")
    assert response["ETag"] == f'"{body["id"]}-1"'
    assert body["full_name"] == "Ana Souza"
    assert body["email"] == "ana@example.com"
    assert body["emails"] == ["ana@example.com", "ana@home.example"]
    assert body["phones"] == ["+442079460958"]
    assert body["tags"] == ["newsletter", "vip"]
    assert body["organizations"] == [
        {
            "organization_id": acme.pk,
            "name": "Acme Bakery",
            "visible": True,
            "role": "CTO",
            "is_primary": True,
        }
    ]
    assert body["owner_id"] == workspace.rep.pk
    assert body["team_id"] == workspace.north.pk
    assert body["lifecycle_stage"] == "customer"
    assert body["birthday"] == "1990-04-01"
    assert body["version"] == 1 and body["deleted"] is False
    # and reading it again gives the same record
    again = client.get(f"{PEOPLE}/{body['id']}")
    assert again.status_code == 200
    assert again.json() == body


def test_patch_changes_only_the_fields_sent(workspace: Any, api_as: Any, make_person: Any) -> None:
    # given a person with a title, tags and e-mails
    person = make_person(
        first_name="Ana", last_name="Souza", title="CTO", tags=["vip"], emails=["ana@example.com"]
    )
    client = api_as(workspace.rep)
    # when only the last name is sent
    response = client.patch(f"{PEOPLE}/{person.pk}", {"last_name": "Lima"}, content_type=JSON)
    # then only the last name changed, and the version moved on
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["last_name"] == "Lima"
    assert body["first_name"] == "Ana"
    assert body["title"] == "CTO"
    assert body["tags"] == ["vip"]
    assert body["emails"] == ["ana@example.com"]
    assert body["version"] == 2
    assert response["ETag"] == f'"{person.pk}-2"'


def test_patch_with_null_clears_a_text_field_and_lists_replace(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person(title="CTO", tags=["vip", "old"])
    response = api_as(workspace.rep).patch(
        f"{PEOPLE}/{person.pk}",
        {"title": None, "tags": ["new"], "owner_id": None},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == ""
    assert body["tags"] == ["new"]
    assert body["owner_id"] is None


def test_patch_without_changes_keeps_the_version(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person(first_name="Ana")
    response = api_as(workspace.rep).patch(
        f"{PEOPLE}/{person.pk}", {"first_name": "Ana"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_delete_moves_a_person_to_the_trash_and_restore_brings_them_back(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person(first_name="Ana")
    client = api_as(workspace.rep)
    # when the person is deleted
    assert client.delete(f"{PEOPLE}/{person.pk}").status_code == 204
    # then they leave the list, appear in the trash, and still read as deleted
    assert client.get(PEOPLE).json()["results"] == []
    assert names(client.get(PEOPLE, {"trash": "1"})) == ["Ana Souza"]
    detail = client.get(f"{PEOPLE}/{person.pk}").json()
    assert detail["deleted"] is True and detail["deleted_at"] is not None
    # and a trashed person cannot be edited until restored
    assert (
        client.patch(f"{PEOPLE}/{person.pk}", {"title": "x"}, content_type=JSON).status_code == 409
    )
    # when restored
    restored = client.post(f"{PEOPLE}/{person.pk}/restore")
    assert restored.status_code == 200
    assert restored.json()["deleted"] is False
    assert names(client.get(PEOPLE)) == ["Ana Souza"]
    actions = list(
        AuditEvent.objects.filter(entity_type="person", entity_id=person.pk).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "delete", "restore"]


def test_deleting_twice_changes_nothing_the_second_time(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person()
    client = api_as(workspace.rep)
    client.delete(f"{PEOPLE}/{person.pk}")
    version = Person.objects.get(pk=person.pk).version
    assert client.delete(f"{PEOPLE}/{person.pk}").status_code == 204
    assert Person.objects.get(pk=person.pk).version == version


def test_an_unknown_person_is_404(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.admin).get(f"{PEOPLE}/999999")
    assert response.status_code == 404
    assert response.json()["detail"]


# --- validation ------------------------------------------------------------------------------


def test_service_validation_errors_are_422_with_field_messages(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(
        PEOPLE,
        {"first_name": "Ana", "emails": ["not-an-email"], "phones": ["12"]},
        content_type=JSON,
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert set(detail) == {"emails", "phones"}
    assert all(isinstance(m, str) for messages in detail.values() for m in messages)
    assert Person.objects.count() == 0


def test_a_person_needs_a_name_or_an_email(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(PEOPLE, {"title": "CTO"}, content_type=JSON)
    assert response.status_code == 422
    assert "first_name" in response.json()["detail"]


def test_schema_errors_have_the_same_shape_as_service_errors(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(
        PEOPLE, {"first_name": "Ana", "lifecycle_stage": "royalty", "birthday": "someday", "emails": "a@b.c"},
        content_type=JSON,
    )  # fmt: skip
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert set(detail) == {"lifecycle_stage", "birthday", "emails"}
    assert all(isinstance(messages, list) and messages for messages in detail.values())


def test_an_unknown_field_is_refused_not_ignored(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(
        PEOPLE, {"first_name": "Ana", "frist_name": "x"}, content_type=JSON
    )
    assert response.status_code == 422
    assert "frist_name" in response.json()["detail"]


def test_malformed_json_is_400(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(PEOPLE, "{not json", content_type=JSON)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_an_unknown_organisation_is_a_validation_error(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(
        PEOPLE,
        {"first_name": "Ana", "organizations": [{"organization_id": 424242}]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "organizations" in response.json()["detail"]


# --- filters ---------------------------------------------------------------------------------


def test_list_filters_match_the_people_page(workspace: Any, api_as: Any, make_person: Any) -> None:
    CustomFieldDefinition.objects.create(
        entity="person", key="shoe-size", label="Shoe size", field_type="number"
    )
    make_person(first_name="Ana", last_name="Souza", tags=["vip"], lifecycle_stage="customer",
                custom_fields={"shoe-size": 38})  # fmt: skip
    make_person(
        first_name="Bruno",
        last_name="Costa",
        lifecycle_stage="prospect",
        custom_fields={"shoe-size": 44},
    )
    make_person(actor=workspace.rep2, first_name="Carla", last_name="Dias", tags=["vip"])
    client = api_as(workspace.rep)

    assert names(client.get(PEOPLE, {"q": "bru"})) == ["Bruno Costa"]
    assert sorted(names(client.get(PEOPLE, {"tag": "vip"}))) == ["Ana Souza", "Carla Dias"]
    assert sorted(names(client.get(PEOPLE, {"owner": "me"}))) == ["Ana Souza", "Bruno Costa"]
    assert names(client.get(PEOPLE, {"owner": str(workspace.rep2.pk)})) == ["Carla Dias"]
    assert names(client.get(PEOPLE, {"stage": "customer"})) == ["Ana Souza"]
    assert names(client.get(PEOPLE, {"cf_shoe-size": "44"})) == ["Bruno Costa"]
    assert names(client.get(PEOPLE, {"sort": "name"})) == ["Bruno Costa", "Carla Dias", "Ana Souza"]


def test_bad_filter_values_are_422(workspace: Any, api_as: Any) -> None:
    client = api_as(workspace.rep)
    assert "cf_nope" in client.get(PEOPLE, {"cf_nope": "1"}).json()["detail"]
    assert client.get(PEOPLE, {"stage": "royalty"}).status_code == 422
    assert client.get(PEOPLE, {"sort": "shoe"}).status_code == 422
    assert client.get(PEOPLE, {"owner": "someone"}).status_code == 422


def test_people_of_an_organisation_filter(
    workspace: Any, api_as: Any, make_person: Any, make_org: Any
) -> None:
    acme = make_org(name="Acme")
    make_person(first_name="Ana", organizations=[{"organization_id": acme.pk, "role": "CTO"}])
    make_person(first_name="Bruno", last_name="Costa")
    client = api_as(workspace.rep)
    assert names(client.get(PEOPLE, {"organization": str(acme.pk)})) == ["Ana Souza"]
    at_acme = client.get(f"{ORGS}/{acme.pk}/people").json()
    assert [(p["full_name"], p["role"]) for p in at_acme] == [("Ana Souza", "CTO")]


# --- permissions -----------------------------------------------------------------------------


def test_a_viewer_reads_but_cannot_write(workspace: Any, api_as: Any, make_person: Any) -> None:
    person = make_person(first_name="Ana")
    client = api_as(workspace.viewer)
    assert names(client.get(PEOPLE)) == ["Ana Souza"]
    assert client.get(f"{PEOPLE}/{person.pk}").status_code == 200
    assert client.post(PEOPLE, {"first_name": "Eve"}, content_type=JSON).status_code == 403
    assert (
        client.patch(f"{PEOPLE}/{person.pk}", {"title": "x"}, content_type=JSON).status_code == 403
    )
    assert client.delete(f"{PEOPLE}/{person.pk}").status_code == 403
    assert client.post(ORGS, {"name": "Evil Inc"}, content_type=JSON).status_code == 403
    assert Person.objects.get(pk=person.pk).title == ""


def test_another_teams_rep_cannot_see_a_record_under_team_visibility(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    # given the default team visibility and a person of team North
    person = make_person(first_name="Ana")
    sam = api_as(workspace.other_rep)  # team South
    # then for sam the person does not exist, however he asks
    assert sam.get(PEOPLE).json()["results"] == []
    assert sam.get(f"{PEOPLE}/{person.pk}").status_code == 404
    assert sam.patch(f"{PEOPLE}/{person.pk}", {"title": "x"}, content_type=JSON).status_code == 404
    assert sam.delete(f"{PEOPLE}/{person.pk}").status_code == 404
    assert sam.post(f"{PEOPLE}/{person.pk}/restore").status_code == 404


def test_a_visible_but_not_editable_record_is_403(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    # given everyone may see every record, but reps still only change their own teams'
    workspace_set_visibility(visibility="everyone")
    person = make_person(first_name="Ana")
    sam = api_as(workspace.other_rep)
    assert sam.get(f"{PEOPLE}/{person.pk}").status_code == 200
    response = sam.patch(f"{PEOPLE}/{person.pk}", {"title": "x"}, content_type=JSON)
    assert response.status_code == 403
    assert response.json()["detail"]


def test_a_rep_cannot_give_a_record_to_another_teams_user(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person()
    response = api_as(workspace.rep).patch(
        f"{PEOPLE}/{person.pk}", {"owner_id": workspace.other_rep.pk}, content_type=JSON
    )
    assert response.status_code == 422
    assert "owner" in response.json()["detail"]


# --- organisations ---------------------------------------------------------------------------


def test_organisation_crud(workspace: Any, api_as: Any) -> None:
    client = api_as(workspace.manager)
    created = client.post(ORGS, {"name": "Acme Bakery", "domain": "https://www.Acme.example/about",
                                 "relationship_type": "customer", "tags": ["b2b"]}, content_type=JSON)  # fmt: skip
    assert created.status_code == 201, created.content
    org = created.json()
    assert org["domain"] == "acme.example"
    assert org["tags"] == ["b2b"]
    assert created["ETag"] == f'"{org["id"]}-1"'

    changed = client.patch(f"{ORGS}/{org['id']}", {"industry": "Food"}, content_type=JSON)
    assert changed.status_code == 200
    assert changed.json()["industry"] == "Food"
    assert changed.json()["name"] == "Acme Bakery"
    assert changed.json()["version"] == 2

    listed = client.get(ORGS, {"relationship_type": "customer"}).json()["results"]
    assert [o["name"] for o in listed] == ["Acme Bakery"]

    assert client.delete(f"{ORGS}/{org['id']}").status_code == 204
    assert client.get(ORGS).json()["results"] == []
    assert client.post(f"{ORGS}/{org['id']}/restore").json()["deleted"] is False


def test_an_organisation_needs_a_name(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(ORGS, {"industry": "Food"}, content_type=JSON)
    assert response.status_code == 422
    assert "name" in response.json()["detail"]


def test_organisations_of_another_team_are_404(workspace: Any, api_as: Any, make_org: Any) -> None:
    org = make_org(name="Acme")
    sam = api_as(workspace.other_rep)
    assert sam.get(f"{ORGS}/{org.pk}").status_code == 404
    assert sam.get(f"{ORGS}/{org.pk}/people").status_code == 404
    assert sam.patch(f"{ORGS}/{org.pk}", {"name": "Mine"}, content_type=JSON).status_code == 404


# --- custom field definitions ----------------------------------------------------------------


def test_an_admin_manages_custom_fields_and_records_use_them(workspace: Any, api_as: Any) -> None:
    admin = api_as(workspace.admin)
    created = admin.post(FIELDS, {"entity": "person", "key": "tier", "label": "Tier", "field_type": "choice",
                                  "choices": ["gold", "silver"]}, content_type=JSON)  # fmt: skip
    assert created.status_code == 201, created.content
    field_id = created.json()["id"]

    rick = api_as(workspace.rep)
    assert [f["key"] for f in rick.get(FIELDS, {"entity": "person"}).json()] == ["tier"]
    assert rick.get(FIELDS, {"entity": "organization"}).json() == []
    person = rick.post(
        PEOPLE, {"first_name": "Ana", "custom_fields": {"tier": "gold"}}, content_type=JSON
    )
    assert person.json()["custom_fields"] == {"tier": "gold"}
    bad = rick.post(
        PEOPLE, {"first_name": "Bo", "custom_fields": {"tier": "bronze"}}, content_type=JSON
    )
    assert bad.status_code == 422
    assert "custom_fields.tier" in bad.json()["detail"]

    changed = admin.patch(f"{FIELDS}/{field_id}", {"label": "Customer tier", "choices": ["gold", "silver", "bronze"]},
                          content_type=JSON)  # fmt: skip
    assert changed.status_code == 200
    assert changed.json()["label"] == "Customer tier"
    assert changed.json()["field_type"] == "choice"

    assert admin.delete(f"{FIELDS}/{field_id}").status_code == 204
    assert admin.get(f"{FIELDS}/{field_id}").status_code == 404


def test_custom_field_writes_are_for_admins_only(workspace: Any, api_as: Any) -> None:
    definition = CustomFieldDefinition.objects.create(
        entity="person", key="tier", label="Tier", field_type="text"
    )
    for user in (workspace.manager, workspace.rep, workspace.viewer):
        client = api_as(user)
        assert client.post(FIELDS, {"entity": "person", "key": "x", "label": "X", "field_type": "text"},
                           content_type=JSON).status_code == 403  # fmt: skip
        assert (
            client.patch(f"{FIELDS}/{definition.pk}", {"label": "Y"}, content_type=JSON).status_code
            == 403
        )
        assert client.delete(f"{FIELDS}/{definition.pk}").status_code == 403
        assert client.get(f"{FIELDS}/{definition.pk}").status_code == 200
    assert CustomFieldDefinition.objects.get(pk=definition.pk).label == "Tier"


def test_custom_field_keys_are_unique_and_checked(workspace: Any, api_as: Any) -> None:
    admin = api_as(workspace.admin)
    body = {"entity": "person", "key": "tier", "label": "Tier", "field_type": "text"}
    assert admin.post(FIELDS, body, content_type=JSON).status_code == 201
    again = admin.post(FIELDS, body, content_type=JSON)
    assert again.status_code == 422
    assert "already" in again.json()["detail"]["key"][0]
    assert (
        admin.post(FIELDS, {**body, "entity": "organization"}, content_type=JSON).status_code == 201
    )
    bad = admin.post(
        FIELDS, {**body, "key": "Has Spaces", "field_type": "choice"}, content_type=JSON
    )
    assert bad.status_code == 422
    assert set(bad.json()["detail"]) == {"key", "choices"}
