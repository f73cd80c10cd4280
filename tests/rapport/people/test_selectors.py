"""Reads: who sees which records, filters, sort, capped counts and detail access."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.accounts.services import workspace_set_visibility
from rapport.core.errors import NotFound, ValidationFailed
from rapport.people.custom_field_services import custom_field_create
from rapport.people.selectors import (
    ListFilter,
    capped_count,
    organization_list,
    organization_people,
    person_detail,
    person_list,
    saved_views_for,
)
from rapport.people.services import person_delete


def names(qs: Any) -> set[str]:
    return {p.first_name for p in qs}


@pytest.fixture
def three_people(workspace: Any, make_person: Any) -> dict[str, Any]:
    return {
        "rick": make_person(actor=workspace.rep, first_name="Rick's"),
        "rita": make_person(actor=workspace.rep2, first_name="Rita's"),
        "sam": make_person(actor=workspace.other_rep, first_name="Sam's"),
    }


@pytest.mark.parametrize(
    ("role", "visibility", "expected"),
    [
        ("admin", "private", {"Rick's", "Rita's", "Sam's"}),
        ("manager", "private", {"Rick's", "Rita's"}),
        ("rep", "private", {"Rick's"}),
        ("rep", "team", {"Rick's", "Rita's"}),
        ("rep", "everyone", {"Rick's", "Rita's", "Sam's"}),
        ("viewer", "team", {"Rick's", "Rita's"}),
        ("other_rep", "team", {"Sam's"}),
    ],
)
def test_each_role_sees_what_the_visibility_setting_allows(
    workspace: Any, three_people: Any, role: str, visibility: str, expected: set[str]
) -> None:
    workspace_set_visibility(visibility=visibility)
    user = workspace.by_role()[role]

    assert names(person_list(user=user, flt=ListFilter())) == expected


def test_an_invisible_record_is_not_found_rather_than_forbidden(
    workspace: Any, three_people: Any
) -> None:
    with pytest.raises(NotFound):
        person_detail(user=workspace.rep, pk=three_people["sam"].pk)
    assert person_detail(user=workspace.admin, pk=three_people["sam"].pk).first_name == "Sam's"


def test_filters_by_owner_stage_tag_and_consent(workspace: Any, make_person: Any) -> None:
    make_person(first_name="A", lifecycle_stage="customer", tags=["vip"], email_consent="granted")
    make_person(first_name="B", lifecycle_stage="prospect", tags=["vip"])
    make_person(actor=workspace.rep2, first_name="C", lifecycle_stage="customer")
    user = workspace.manager

    assert names(person_list(user=user, flt=ListFilter(stage="customer"))) == {"A", "C"}
    assert names(person_list(user=user, flt=ListFilter(tag="vip"))) == {"A", "B"}
    assert names(person_list(user=user, flt=ListFilter(consent="granted"))) == {"A"}
    assert names(person_list(user=user, flt=ListFilter(owner=str(workspace.rep2.pk)))) == {"C"}
    assert names(person_list(user=workspace.rep, flt=ListFilter(owner="me"))) == {"A", "B"}
    assert names(person_list(user=user, flt=ListFilter(team=str(workspace.south.pk)))) == set()


def test_filter_parameters_come_from_the_query_string(workspace: Any, make_person: Any) -> None:
    make_person(first_name="Zed", last_name="Young")
    make_person(first_name="Amy", last_name="Adams")

    flt = ListFilter.from_params({"sort": "name", "q": "  ", "trash": "1", "cf_plan": "pro"})
    assert (flt.sort, flt.q, flt.trash, flt.custom) == ("name", "", True, {"plan": "pro"})

    ordered = person_list(user=workspace.rep, flt=ListFilter(sort="name"))
    assert [p.first_name for p in ordered] == ["Amy", "Zed"]
    backwards = person_list(user=workspace.rep, flt=ListFilter(sort="-name"))
    assert [p.first_name for p in backwards] == ["Zed", "Amy"]


def test_bad_filter_values_are_validation_errors(workspace: Any) -> None:
    for flt in (ListFilter(sort="salary"), ListFilter(stage="x"), ListFilter(owner="abc")):
        with pytest.raises(ValidationFailed):
            list(person_list(user=workspace.rep, flt=flt))


def test_search_finds_people_by_name_email_phone_and_organisation(
    workspace: Any, make_person: Any, make_org: Any
) -> None:
    org = make_org(name="Lighthouse Dental")
    make_person(first_name="José", last_name="Carter", emails=["jc@example.com"], phones=["+1 415 555 2671"],
                organizations=[{"organization_id": org.pk, "role": "Owner"}])  # fmt: skip
    make_person(first_name="Other", last_name="Person")

    for q in ("jose", "Carter", "jc@example", "4155552671", "lighthouse"):
        assert names(person_list(user=workspace.rep, flt=ListFilter(q=q))) == {"José"}, q


def test_the_trash_shows_only_deleted_records(workspace: Any, make_person: Any) -> None:
    kept = make_person(first_name="Kept")
    gone = make_person(first_name="Gone")
    person_delete(actor=workspace.rep, person=gone)

    assert names(person_list(user=workspace.rep, flt=ListFilter())) == {kept.first_name}
    assert names(person_list(user=workspace.rep, flt=ListFilter(trash=True))) == {"Gone"}


def test_custom_field_filters(workspace: Any, make_person: Any) -> None:
    custom_field_create(actor=workspace.admin, data={
        "entity": "person", "key": "newsletter", "label": "Newsletter", "field_type": "boolean",
    })  # fmt: skip
    make_person(first_name="Yes", custom_fields={"newsletter": "yes"})
    make_person(first_name="No", custom_fields={"newsletter": "no"})

    assert names(
        person_list(user=workspace.rep, flt=ListFilter(custom={"newsletter": "true"}))
    ) == {"Yes"}
    with pytest.raises(ValidationFailed):
        person_list(user=workspace.rep, flt=ListFilter(custom={"missing": "1"}))


def test_the_count_stops_at_the_cap(workspace: Any, make_person: Any, settings: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "COUNT_CAP": 3}
    for i in range(5):
        make_person(first_name=f"P{i}")

    assert capped_count(person_list(user=workspace.rep, flt=ListFilter())) == (3, True)
    assert capped_count(person_list(user=workspace.rep, flt=ListFilter(q="P1"))) == (1, False)


def test_organisation_people_lists_only_visible_people(
    workspace: Any, make_person: Any, make_org: Any
) -> None:
    workspace_set_visibility(visibility="everyone")
    org = make_org()
    link = [{"organization_id": org.pk, "role": "Buyer"}]
    make_person(first_name="Visible", organizations=link)
    make_person(actor=workspace.other_rep, first_name="Southern", organizations=link)
    workspace_set_visibility(visibility="team")
    rep = type(workspace.rep).objects.get(
        pk=workspace.rep.pk
    )  # a fresh user: visibility is cached per object

    shown = [a.person.first_name for a in organization_people(user=rep, organization=org)]
    assert shown == ["Visible"]
    assert {
        o.name for o in organization_list(user=rep, flt=ListFilter(relationship_type="prospect"))
    } == {"Acme Bakery"}


def test_saved_views_are_per_user_and_entity(workspace: Any) -> None:
    from rapport.people.saved_views import saved_view_save

    saved_view_save(user=workspace.rep, entity="person", name="Mine", query="tag=vip")
    saved_view_save(user=workspace.rep, entity="organization", name="Orgs", query="")
    saved_view_save(user=workspace.rep2, entity="person", name="Hers", query="")

    assert [v.name for v in saved_views_for(user=workspace.rep, entity="person")] == ["Mine"]
