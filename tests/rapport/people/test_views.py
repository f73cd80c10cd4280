"""The people and organisation pages, as a signed-in user of each role sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.accounts.services import workspace_set_visibility
from rapport.core.audit import audit_history
from rapport.people.custom_field_services import custom_field_create
from rapport.people.models import CustomFieldDefinition, Person, SavedView
from rapport.people.services import organization_update, person_delete, person_update


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Any) -> None:
    # The manifest storage needs `collectstatic`; tests render pages without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Session, user, teams, visibility, then the page's own reads: never one per row.
LIST_QUERIES = 14
DETAIL_QUERIES = 13


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


# --- lists --------------------------------------------------------------------------------------


def test_the_people_list_shows_visible_people_only(
    client: Client, workspace: Any, make_person: Any
) -> None:
    make_person(
        first_name="Northern", emails=["n@example.com"], phones=["+14155552671"], tags=["vip"]
    )
    make_person(actor=workspace.other_rep, first_name="Southern")

    response = signed_in(client, workspace.rep).get(reverse("people:person_list"))

    assert response.status_code == 200
    page = text(response)
    assert "Northern" in page and "n@example.com" in page and "+1 415-555-2671" in page
    assert "Southern" not in page
    assert "1–1 of 1" in page
    assert 'id="global-q"' in page  # the header search box


def test_an_htmx_request_gets_only_the_table(
    client: Client, workspace: Any, make_person: Any
) -> None:
    make_person(first_name="Ana", lifecycle_stage="customer")
    make_person(first_name="Bea", lifecycle_stage="prospect")

    response = signed_in(client, workspace.rep).get(
        reverse("people:person_list"), {"stage": "customer"}, HTTP_HX_REQUEST="true"
    )

    page = text(response)
    assert "<html" not in page and 'id="filters"' not in page
    assert "Ana" in page and "Bea" not in page
    assert "HX-Request" in response["Vary"]


def test_filters_and_search_are_kept_in_the_form(
    client: Client, workspace: Any, make_person: Any
) -> None:
    make_person(first_name="Ana", tags=["vip"])

    page = text(
        signed_in(client, workspace.rep).get(
            reverse("people:person_list"), {"q": "ana", "tag": "vip"}
        )
    )

    assert 'value="ana"' in page
    assert 'name="tag" value="vip"' in page  # the tag type-ahead keeps what was chosen


def test_a_bad_filter_is_explained_not_a_server_error(client: Client, workspace: Any) -> None:
    response = signed_in(client, workspace.rep).get(
        reverse("people:person_list"), {"sort": "salary", "owner": "x"}
    )

    assert response.status_code == 200
    assert "Sort by one of" in text(response)


def test_pages_by_offset(client: Client, workspace: Any, make_person: Any, settings: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "LIST_PAGE_SIZE": 4}
    for i in range(10):
        make_person(first_name=f"P{i:02d}")

    page = text(
        signed_in(client, workspace.rep).get(
            reverse("people:person_list"), {"sort": "name", "page": "3"}
        )
    )

    assert "9–10 of 10" in page
    assert "P08" in page and "P07" not in page
    assert 'aria-current="page">3<' in page
    assert "?sort=name&amp;page=2" in page


def test_the_count_is_capped(
    client: Client, workspace: Any, make_person: Any, settings: Any
) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "COUNT_CAP": 3, "LIST_PAGE_SIZE": 2}
    for i in range(5):
        make_person(first_name=f"P{i}")

    page = text(signed_in(client, workspace.rep).get(reverse("people:person_list")))

    assert "1–2 of 3+" in page
    assert 'rel="next"' in page


def test_custom_choice_fields_become_filters(
    client: Client, workspace: Any, make_person: Any
) -> None:
    custom_field_create(actor=workspace.admin, data={
        "entity": "person", "key": "plan", "label": "Plan", "field_type": "choice", "choices": ["basic", "pro"],
    })  # fmt: skip
    make_person(first_name="Pro", custom_fields={"plan": "pro"})
    make_person(first_name="Basic", custom_fields={"plan": "basic"})

    page = text(
        signed_in(client, workspace.rep).get(reverse("people:person_list"), {"cf_plan": "pro"})
    )

    assert 'name="cf_plan"' in page
    assert "Pro" in page and ">Basic<" not in page


def test_the_trash_filter_lists_deleted_people(
    client: Client, workspace: Any, make_person: Any
) -> None:
    gone = make_person(first_name="Gone")
    person_delete(actor=workspace.rep, person=gone)

    page = text(signed_in(client, workspace.rep).get(reverse("people:person_list"), {"trash": "1"}))

    assert "Gone" in page and "in the trash" in page


def test_viewers_get_no_create_or_bulk_controls(
    client: Client, workspace: Any, make_person: Any
) -> None:
    make_person()

    page = text(signed_in(client, workspace.viewer).get(reverse("people:person_list")))

    assert "Add person" not in page
    assert 'id="bulk-form"' not in page and 'name="ids"' not in page


def test_the_organisation_list(client: Client, workspace: Any, make_org: Any) -> None:
    make_org(name="Acme Bakery", relationship_type="customer")
    make_org(name="Globex", relationship_type="partner")

    page = text(
        signed_in(client, workspace.rep).get(
            reverse("people:organization_list"), {"relationship_type": "partner"}
        )
    )

    assert "Globex" in page and "Acme Bakery" not in page


@pytest.mark.parametrize("url_name", ["people:person_list", "people:organization_list"])
def test_lists_run_the_same_number_of_queries_for_5_and_50_rows(
    client: Client, workspace: Any, make_person: Any, make_org: Any, django_assert_max_num_queries: Any,
    url_name: str,
) -> None:  # fmt: skip
    org = make_org()
    custom_field_create(actor=workspace.admin, data={
        "entity": "person", "key": "vip", "label": "VIP", "field_type": "boolean",
    })  # fmt: skip
    signed_in(client, workspace.rep)

    def add(n: int) -> None:
        for i in range(n):
            make_person(
                first_name=f"P{i}", tags=["a", "b"], organizations=[{"organization_id": org.pk}]
            )
            make_org(name=f"Org {i}", tags=["a"])

    add(5)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(reverse(url_name)).status_code == 200
    add(45)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(reverse(url_name)).status_code == 200


# --- detail -------------------------------------------------------------------------------------


def test_the_person_page_shows_the_profile(
    client: Client, workspace: Any, make_person: Any, make_org: Any
) -> None:
    custom_field_create(actor=workspace.admin, data={
        "entity": "person", "key": "shoe_size", "label": "Shoe size", "field_type": "number",
    })  # fmt: skip
    org = make_org(name="Lighthouse Dental")
    person = make_person(
        first_name="José", last_name="Carter", emails=["jc@example.com", "jose@home.example"],
        phones=["+442079460958"], tags=["vip"], email_consent="granted", email_consent_method="web form",
        organizations=[{"organization_id": org.pk, "role": "Owner"}], custom_fields={"shoe_size": "43"},
    )  # fmt: skip

    page = text(
        signed_in(client, workspace.rep).get(reverse("people:person_detail", args=[person.pk]))
    )

    for expected in (
        "José Carter",
        "jc@example.com",
        "jose@home.example",
        "+44 20 7946 0958",
        "Lighthouse Dental",
        "Owner",
        "vip",
        "Opted in",
        "web form",
        "Shoe size",
        "43",
        "rick",
        "North",
        'id="timeline"',
    ):
        assert expected in page, expected  # fmt: skip
    assert "Edit" in page and "Delete" in page


def test_the_history_shows_who_changed_what(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person(lifecycle_stage="prospect")
    person_update(
        actor=workspace.rep2,
        person=person,
        data={"lifecycle_stage": "customer", "owner": workspace.rep2},
    )

    page = text(
        signed_in(client, workspace.rep).get(reverse("people:person_detail", args=[person.pk]))
    )

    assert "rita" in page and "updated this record" in page
    assert '<td class="old">Prospect</td><td class="new">First-time customer</td>' in page
    assert '<td class="old">rick</td><td class="new">rita</td>' in page  # owner ids shown as names


def test_an_invisible_person_is_not_found(client: Client, workspace: Any, make_person: Any) -> None:
    southern = make_person(actor=workspace.other_rep)

    assert (
        signed_in(client, workspace.rep)
        .get(reverse("people:person_detail", args=[southern.pk]))
        .status_code
        == 404
    )


def test_a_viewer_sees_the_page_without_edit_controls(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()

    page = text(
        signed_in(client, workspace.viewer).get(reverse("people:person_detail", args=[person.pk]))
    )

    assert person.full_name in page
    assert reverse("people:person_edit", args=[person.pk]) not in page
    assert reverse("people:person_delete", args=[person.pk]) not in page


def test_the_organisation_page_lists_its_visible_people(
    client: Client, workspace: Any, make_person: Any, make_org: Any
) -> None:
    workspace_set_visibility(visibility="everyone")
    org = make_org(name="Acme", domain="acme.example")
    link = [{"organization_id": org.pk, "role": "Buyer"}]
    make_person(first_name="Nora", organizations=link)
    make_person(actor=workspace.other_rep, first_name="Sven", organizations=link)
    workspace_set_visibility(visibility="team")

    page = text(
        signed_in(client, workspace.rep).get(reverse("people:organization_detail", args=[org.pk]))
    )

    assert "acme.example" in page and "Nora" in page and "Buyer" in page and 'id="timeline"' in page
    assert "Sven" not in page


@pytest.mark.parametrize("entity", ["person", "organization"])
def test_detail_pages_run_a_fixed_number_of_queries(
    client: Client, workspace: Any, make_person: Any, make_org: Any, django_assert_max_num_queries: Any,
    entity: str,
) -> None:  # fmt: skip
    org = make_org()
    person = make_person(organizations=[{"organization_id": org.pk, "role": "CEO"}])
    signed_in(client, workspace.rep)
    url = reverse(f"people:{entity}_detail", args=[person.pk if entity == "person" else org.pk])

    def grow(n: int) -> None:
        for i in range(n):
            person_update(
                actor=workspace.rep,
                person=person,
                data={"tags": [f"t{i}"], "emails": [f"p{i}@example.com"]},
            )
            organization_update(
                actor=workspace.rep, organization=org, data={"tags": [f"t{i}"], "industry": f"I{i}"}
            )
            make_person(first_name=f"Colleague {i}", organizations=[{"organization_id": org.pk}])

    grow(5)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(url).status_code == 200
    grow(45)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(url).status_code == 200


# --- create and edit ----------------------------------------------------------------------------


def test_creating_a_person_shows_field_errors_then_saves(
    client: Client, workspace: Any, make_org: Any
) -> None:
    org = make_org(name="Acme")
    signed_in(client, workspace.rep)
    form = {
        "first_name": "Ana", "last_name": "Souza", "emails": "not-an-email", "phones": "+1 415 555 2671",
        "lifecycle_stage": "prospect", "email_consent": "unknown", "tags": "vip, newsletter",
        "owner": workspace.rep.pk, "team": workspace.north.pk, "organization_0": org.pk, "role_0": "CTO",
    }  # fmt: skip

    failed = client.post(reverse("people:person_create"), form)

    assert failed.status_code == 422
    assert "not a valid e-mail address" in text(failed)
    assert 'value="Ana"' in text(failed)  # the user's input is kept
    assert not Person.objects.exists()

    saved = client.post(
        reverse("people:person_create"), {**form, "emails": "ana@example.com\nana@home.example"}
    )

    person = Person.objects.get()
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "people:person_detail", args=[person.pk]
    )
    assert person.email == "ana@example.com" and person.phone == "+14155552671"
    assert sorted(person.tags.values_list("name", flat=True)) == ["newsletter", "vip"]
    assert [(a.organization_id, a.role) for a in person.affiliations.all()] == [(org.pk, "CTO")]


def test_the_owner_select_offers_only_assignable_users(
    client: Client, workspace: Any, make_org: Any
) -> None:
    make_org(actor=workspace.other_rep, name="Southern Secret")

    page = text(signed_in(client, workspace.rep).get(reverse("people:person_create")))

    assert f'value="{workspace.rep2.pk}"' in page  # a team-mate
    assert f'<option value="{workspace.other_rep.pk}"' not in page
    assert "Southern Secret" not in page  # organisations the rep cannot see


def test_custom_fields_appear_in_the_form_and_are_validated(client: Client, workspace: Any) -> None:
    custom_field_create(actor=workspace.admin, data={
        "entity": "person", "key": "plan", "label": "Plan", "field_type": "choice", "choices": ["basic", "pro"],
        "required": True,
    })  # fmt: skip
    custom_field_create(actor=workspace.admin, data={
        "entity": "person", "key": "renewal", "label": "Renewal date", "field_type": "date",
    })  # fmt: skip
    signed_in(client, workspace.rep)

    page = text(client.get(reverse("people:person_create")))
    assert 'name="cf_plan"' in page and 'type="date" name="cf_renewal"' in page

    missing = client.post(reverse("people:person_create"), {
        "first_name": "Ana", "lifecycle_stage": "prospect", "email_consent": "unknown", "cf_renewal": "2025-02-30",
    })  # fmt: skip
    assert missing.status_code == 422
    assert "This field is required" in text(missing) and "Enter a valid date" in text(missing)

    client.post(reverse("people:person_create"), {
        "first_name": "Ana", "lifecycle_stage": "prospect", "email_consent": "unknown", "cf_plan": "pro",
        "cf_renewal": "2025-03-01",
    })  # fmt: skip
    assert Person.objects.get().custom_fields == {"plan": "pro", "renewal": "2025-03-01"}


def edit_form(person: Person) -> dict[str, Any]:
    return {
        "first_name": person.first_name, "last_name": person.last_name, "emails": person.email,
        "lifecycle_stage": person.lifecycle_stage, "email_consent": person.email_consent,
        "owner": person.owner_id or "", "team": person.team_id or "", "version": person.version,
    }  # fmt: skip


def test_editing_saves_and_bumps_the_version(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person(first_name="Ana", emails=["ana@example.com"])

    response = signed_in(client, workspace.rep).post(
        reverse("people:person_edit", args=[person.pk]), {**edit_form(person), "first_name": "Anna"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.version) == ("Anna", 2)


def test_a_stale_edit_form_is_refused_with_a_clear_message(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person(first_name="Ana")
    stale = edit_form(person)
    person_update(actor=workspace.rep2, person=person, data={"first_name": "Anita"})

    response = signed_in(client, workspace.rep).post(
        reverse("people:person_edit", args=[person.pk]), {**stale, "first_name": "Anna"}
    )

    assert response.status_code == 422
    assert "Someone changed this record" in text(response)
    person.refresh_from_db()
    assert person.first_name == "Anita"


def test_editing_keeps_an_owner_the_editor_could_not_assign(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    person_update(actor=workspace.admin, person=person, data={"owner": workspace.other_rep})
    person.refresh_from_db()

    response = signed_in(client, workspace.rep).post(
        reverse("people:person_edit", args=[person.pk]), {**edit_form(person), "title": "Chef"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.title, person.owner) == ("Chef", workspace.other_rep)


def test_writes_by_a_viewer_are_forbidden(client: Client, workspace: Any, make_person: Any) -> None:
    person = make_person()
    signed_in(client, workspace.viewer)

    assert client.get(reverse("people:person_create")).status_code == 403
    assert client.post(reverse("people:person_create"), {"first_name": "X"}).status_code == 403
    assert client.get(reverse("people:person_edit", args=[person.pk])).status_code == 403
    assert client.post(reverse("people:person_delete", args=[person.pk])).status_code == 403
    assert (
        client.post(
            reverse("people:person_bulk"), {"action": "delete", "ids": [person.pk]}
        ).status_code
        == 403
    )
    assert Person.objects.alive().count() == 1


def test_a_visible_but_not_editable_record_is_forbidden(
    client: Client, workspace: Any, make_person: Any
) -> None:
    workspace_set_visibility(visibility="everyone")
    southern = make_person(actor=workspace.other_rep)

    response = signed_in(client, workspace.rep).get(
        reverse("people:person_edit", args=[southern.pk])
    )

    assert response.status_code == 403
    assert "not change" in text(response)


def test_delete_and_restore(client: Client, workspace: Any, make_person: Any) -> None:
    person = make_person()
    signed_in(client, workspace.rep)
    url = reverse("people:person_delete", args=[person.pk])

    client.post(url)
    person.refresh_from_db()
    assert person.deleted_at is not None
    page = text(client.get(reverse("people:person_detail", args=[person.pk])))
    assert "in the trash" in page and "Restore" in page

    client.post(url, {"restore": "1"})
    person.refresh_from_db()
    assert person.deleted_at is None


def test_creating_and_editing_an_organisation(client: Client, workspace: Any) -> None:
    signed_in(client, workspace.rep)
    base = {"relationship_type": "customer", "owner": workspace.rep.pk, "team": workspace.north.pk}

    failed = client.post(
        reverse("people:organization_create"), {**base, "name": "Acme", "domain": "not a domain"}
    )
    assert failed.status_code == 422 and "is not a domain name" in text(failed)

    client.post(
        reverse("people:organization_create"),
        {**base, "name": "Acme", "domain": "https://acme.example/"},
    )
    from rapport.people.models import Organization

    org = Organization.objects.get()
    assert org.domain == "acme.example"
    response = client.post(
        reverse("people:organization_edit", args=[org.pk]),
        {**base, "name": "Acme Ltd", "version": org.version},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Acme Ltd" and org.version == 2


# --- bulk actions and saved views ---------------------------------------------------------------


def test_bulk_tagging_from_the_list(client: Client, workspace: Any, make_person: Any) -> None:
    mine = make_person(first_name="Mine")
    workspace_set_visibility(visibility="everyone")
    southern = make_person(actor=workspace.other_rep, first_name="South")
    signed_in(client, workspace.rep)
    back = reverse("people:person_list") + "?sort=name"

    response = client.post(
        reverse("people:person_bulk"),
        {"action": "tag", "tags": "vip", "ids": [mine.pk, southern.pk], "next": back},
    )

    assert response.status_code == 302 and response["Location"] == back
    assert list(Person.objects.filter(tags__name="vip")) == [mine]
    page = text(client.get(back))
    assert "Tagged 1 record with vip." in page and "1 skipped" in page
    event = audit_history(entity_type="person", entity_id=mine.pk).first()
    assert event is not None and event.changes == {"tags_added": [None, ["vip"]]}


def test_bulk_needs_a_selection_and_refuses_outside_redirects(
    client: Client, workspace: Any
) -> None:
    response = signed_in(client, workspace.rep).post(
        reverse("people:person_bulk"),
        {"action": "tag", "tags": "vip", "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("people:person_list")
    assert "Select at least one row" in text(client.get(response["Location"]))


def test_bulk_stage_owner_and_delete(client: Client, workspace: Any, make_person: Any) -> None:
    people = [make_person(first_name=f"P{i}") for i in range(3)]
    ids = [p.pk for p in people]
    signed_in(client, workspace.rep)
    bulk_url = reverse("people:person_bulk")

    client.post(bulk_url, {"action": "stage", "stage": "loyal", "ids": ids})
    client.post(bulk_url, {"action": "owner", "owner": workspace.rep2.pk, "ids": ids})
    client.post(bulk_url, {"action": "delete", "ids": ids[:1]})

    assert set(Person.objects.values_list("lifecycle_stage", "owner")) == {
        ("loyal", workspace.rep2.pk)
    }
    assert Person.objects.alive().count() == 2


def test_saved_views_save_list_and_delete(client: Client, workspace: Any) -> None:
    signed_in(client, workspace.rep)

    response = client.post(
        reverse("people:saved_view_create", args=["person"]),
        {"name": "Hot leads", "query": "tag=vip&page=2"},
    )

    assert response["Location"] == reverse("people:person_list") + "?tag=vip"
    view = SavedView.objects.get(user=workspace.rep)
    page = text(client.get(reverse("people:person_list")))
    assert "Hot leads" in page and "?tag=vip" in page
    assert "Hot leads" not in text(
        signed_in(Client(), workspace.rep2).get(reverse("people:person_list"))
    )

    client.post(reverse("people:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.exists()


# --- search and settings ------------------------------------------------------------------------


def test_the_header_search_finds_people_and_organisations(
    client: Client, workspace: Any, make_person: Any, make_org: Any
) -> None:
    org = make_org(name="Lighthouse Dental")
    person = make_person(
        first_name="Lena", last_name="Hart", organizations=[{"organization_id": org.pk}]
    )
    make_person(actor=workspace.other_rep, first_name="Lenora")  # not visible to rick

    response = signed_in(client, workspace.rep).get(
        reverse("people:search"), {"q": "lighthouse"}, HTTP_HX_REQUEST="true"
    )

    page = text(response)
    assert "<html" not in page
    assert reverse("people:person_detail", args=[person.pk]) in page
    assert reverse("people:organization_detail", args=[org.pk]) in page
    assert "Lenora" not in text(client.get(reverse("people:search"), {"q": "len"}))


def test_the_search_shows_at_most_eight_of_each(
    client: Client, workspace: Any, make_person: Any
) -> None:
    for i in range(10):
        make_person(first_name="Sam", last_name=f"Smith{i}")

    page = text(signed_in(client, workspace.rep).get(reverse("people:search"), {"q": "sam"}))

    assert page.count('class="result-name"') == 8


def test_custom_field_settings_are_for_admins(client: Client, workspace: Any) -> None:
    url = reverse("people:custom_field_list")
    assert signed_in(client, workspace.manager).get(url).status_code == 403

    signed_in(client, workspace.admin)
    bad = client.post(
        url, {"entity": "person", "key": "tier", "label": "Tier", "field_type": "choice"}
    )
    assert bad.status_code == 422 and "at least one choice" in text(bad)
    client.post(
        url,
        {
            "entity": "person",
            "key": "tier",
            "label": "Tier",
            "field_type": "choice",
            "choices": "a\nb",
        },
    )
    definition = CustomFieldDefinition.objects.get()
    assert definition.choices == ["a", "b"]

    client.post(
        reverse("people:custom_field_edit", args=[definition.pk]),
        {"label": "Level", "choices": "a\nb\nc"},
    )
    definition.refresh_from_db()
    assert (definition.label, definition.choices) == ("Level", ["a", "b", "c"])

    client.post(reverse("people:custom_field_delete", args=[definition.pk]))
    assert not CustomFieldDefinition.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: Any) -> None:
    response = client.get(reverse("people:person_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
