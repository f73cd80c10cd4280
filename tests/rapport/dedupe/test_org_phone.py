"""Organisations' phone numbers in the duplicate check, the scan and the merge."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from rapport.dedupe.check.core import CHECK_THRESHOLD
from rapport.dedupe.check.organizations import (
    organization_duplicates,
    organization_profile_from_data,
)
from rapport.dedupe.merge import merge_undo, organization_merge
from rapport.dedupe.models import MatchKey, MergeRecord, ScanRun
from rapport.dedupe.orgkeys import organization_keys
from rapport.dedupe.orgmatch import compare, normalised_org
from rapport.dedupe.scan import scan_run
from rapport.people.models import Organization
from rapport.people.search import apply_search


def _found(user: Any, **fields: str) -> list[Any]:
    profile = organization_profile_from_data(fields)
    return organization_duplicates(user=user, profile=profile)


def test_the_same_phone_finds_a_differently_written_name(workspace: Any, make_org: Any) -> None:
    # Given Acme with its switchboard number
    acme = make_org(name="Acme Ltd", phone="+1 415 555 2671")
    # When someone types "ACME Limited" with the number written the national way
    [found] = _found(workspace.rep, name="ACME Limited", phone="(415) 555-2671")
    # Then Acme is proposed, and the phone is one of the reasons
    assert found.id == acme.pk
    assert found.reasons[:2] == ("same phone", "same name") and found.percent >= 99


def test_the_phone_alone_brings_a_name_the_name_keys_miss(workspace: Any, make_org: Any) -> None:
    # Given "Acme Widgets Ltd": "ACME Widget Co Limited" shares none of its name keys
    widgets = make_org(name="Acme Widgets Ltd", phone="+14155552671")
    assert _found(workspace.rep, name="ACME Widget Co Limited") == []
    # When the same number is typed too, it is found through the phone's key
    [found] = _found(workspace.rep, name="ACME Widget Co Limited", phone="+1 415-555-2671")
    assert found.id == widgets.pk and found.reasons == ("same phone", "similar name")


def test_the_same_phone_does_not_make_differently_named_companies_duplicates(
    workspace: Any, make_org: Any
) -> None:
    # Given two companies in one serviced office, sharing its reception's number
    make_org(name="Northwind Traders", phone="+14155552671")
    # Then a differently named company with that number is not called a duplicate
    assert _found(workspace.rep, name="Contoso Ltd", phone="+14155552671") == []
    # ...just as a shared domain alone does not make one
    a = normalised_org(1, {"name": "Northwind Traders", "phone": "+14155552671"})
    b = normalised_org(2, {"name": "Contoso Ltd", "phone": "4155552671"})
    score, reasons = compare(a, b)
    assert score < CHECK_THRESHOLD and reasons == ("same phone", "different name")
    # But with the same domain too (a rename, say) it is worth a look
    score, reasons = compare(
        normalised_org(
            1, {"name": "Northwind Traders", "domain": "nw.example", "phone": "+14155552671"}
        ),
        normalised_org(2, {"name": "Contoso Ltd", "domain": "nw.example", "phone": "+14155552671"}),
    )
    assert score >= CHECK_THRESHOLD and reasons[:2] == ("same domain", "same phone")


def test_a_different_phone_counts_against_a_match(workspace: Any) -> None:
    same = normalised_org(1, {"name": "Acme", "phone": "+14155552671"})
    other = normalised_org(2, {"name": "ACME Ltd", "phone": "+442079460958"})
    unknown = normalised_org(3, {"name": "ACME Ltd"})
    with_other, reasons = compare(same, other)
    assert reasons == ("same name", "different phone")
    assert with_other < compare(same, unknown)[0]
    # An unreadable number is no evidence either way, and makes no key
    assert normalised_org(4, {"name": "Acme", "phone": "call reception"}).phone == ""
    assert [n for n, _ in organization_keys({"name": "Acme", "phone": "x"})] == ["org_name"]


def test_keys_follow_a_changed_phone(workspace: Any, make_org: Any) -> None:
    from rapport.people.services import organization_update

    acme = make_org(name="Acme Widgets Ltd", phone="+14155552671")
    organization_update(actor=workspace.rep, organization=acme, data={"phone": "+442079460958"})
    typed = {"name": "ACME Widget Co Limited"}
    assert _found(workspace.rep, **typed, phone="+14155552671") == []
    assert [c.id for c in _found(workspace.rep, **typed, phone="+442079460958")] == [acme.pk]


def test_the_scan_pairs_organisations_by_phone(workspace: Any) -> None:
    # Given organisations loaded in bulk (no keys): only their phone puts them in one block
    Organization.objects.bulk_create([
        Organization(name="Acme Widgets Ltd", phone="+14155552671", owner=workspace.rep),
        Organization(name="ACME Widget Co Limited", phone="+14155552671", owner=workspace.rep),
        Organization(name="Contoso Ltd", phone="+14155552671", owner=workspace.rep),
    ])  # fmt: skip
    run = scan_run(ScanRun.objects.create(entity="organization").pk)
    # Then the two Acmes are a pair, and Contoso pairs with neither
    assert run.status == "done" and run.pairs == 1 and run.records == 3
    assert MatchKey.objects.filter(entity="organization").exists()


def test_form_and_api_check_with_a_phone(client: Client, workspace: Any, make_org: Any) -> None:
    acme = make_org(name="Acme Widgets Ltd", phone="+14155552671")
    client.force_login(workspace.rep)
    body = client.post(reverse("dedupe:organization_check"),
                       {"name": "ACME Widget Co Limited", "phone": "415 555 2671"},
                       headers={"HX-Request": "true"}).content.decode()  # fmt: skip
    assert "Possible duplicate" in body and "Acme Widgets Ltd" in body and "same phone" in body
    response = client.post("/api/v1/organizations/duplicates/check",
                           {"name": "ACME Widget Co", "phone": "+1 415 555 2671"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["id"] == acme.pk and result["summary"].startswith("same phone")


def test_merge_picks_the_phone_and_undo_puts_it_back(workspace: Any, make_org: Any) -> None:
    # Given a survivor without a number and a duplicate with one
    survivor = make_org(name="Acme Ltd", domain="acme.example")
    duplicate = make_org(name="ACME Limited", phone="+14155552671")
    # When they are merged with the default choices, the merged one has the number
    merged = organization_merge(survivor=survivor, duplicate=duplicate, field_choices={},
                                merged_by=workspace.rep)  # fmt: skip
    merged.refresh_from_db()
    assert merged.phone == "+14155552671"
    assert list(apply_search(Organization.objects.alive(), "4155552671")) == [merged]
    # And undoing the merge takes it back off
    merge_undo(merge=MergeRecord.objects.get(), actor=workspace.rep)
    assert Organization.objects.get(pk=survivor.pk).phone == ""


def test_merge_keeps_the_survivors_phone_when_chosen(workspace: Any, make_org: Any) -> None:
    survivor = make_org(name="Acme Ltd", phone="+442079460958")
    duplicate = make_org(name="ACME Limited", phone="+14155552671")  # updated later: the default
    merged = organization_merge(survivor=survivor, duplicate=duplicate,
                                field_choices={"phone": "survivor"}, merged_by=workspace.rep)  # fmt: skip
    merged.refresh_from_db()
    assert merged.phone == "+442079460958"
