"""The organisation duplicate check: keys kept fresh, legal forms ignored, page and API."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from rapport.dedupe.check.organizations import (
    organization_duplicates,
    organization_profile_from_data,
)
from rapport.dedupe.models import MatchKey, MatchProfile, ScanRun
from rapport.dedupe.scan import scan_run
from rapport.dedupe.services import decision_record
from rapport.people.models import Organization
from rapport.people.services import organization_delete, organization_restore, organization_update


def _found(user: Any, org_id: int | None = None, **fields: str) -> list[Any]:
    profile = organization_profile_from_data(fields)
    return organization_duplicates(user=user, profile=profile, organization_id=org_id)


def test_legal_forms_and_case_do_not_hide_a_duplicate(workspace: Any, make_org: Any) -> None:
    # Given Acme GmbH and an unrelated bakery
    acme = make_org(name="Acme GmbH", domain="acme.de", city="Berlin")
    make_org(name="Zeta Bakery Ltd")
    # When someone types "ACME Gmbh." or just "Acme"
    for typed in ("ACME Gmbh.", "Acme", "The Acme Company"):
        found = _found(workspace.rep, name=typed)
        # Then Acme GmbH is proposed because the names are the same once the legal form goes
        assert [c.id for c in found] == [acme.pk], typed
        assert "same name" in found[0].reasons
    # And the same domain with the same name is near certain, with both reasons
    found = _found(workspace.rep, name="Acme AG", domain="https://www.ACME.de/contact")
    assert found[0].reasons[:2] == ("same domain", "same name") and found[0].percent >= 99


def test_same_address_counts_and_a_different_name_does_not_match(
    workspace: Any, make_org: Any
) -> None:
    acme = make_org(name="Acme Bakery", street="12 Baker St.", postcode="SW1A 1AA", city="London")
    found = _found(workspace.rep, name="ACME bakery ltd", street="12 Baker Street",
                   postcode="sw1a1aa")  # fmt: skip
    assert found[0].id == acme.pk and "same address" in found[0].reasons
    # A different organisation in the same building is not a duplicate
    assert _found(workspace.rep, name="Omega Dental", street="12 Baker Street",
                  postcode="SW1A 1AA") == []  # fmt: skip


def test_keys_follow_renames_trash_and_restore(workspace: Any, make_org: Any) -> None:
    # Given Acme, whose keys were written when it was created
    acme = make_org(name="Acme Ltd")
    assert MatchKey.objects.filter(entity="organization", record_id=acme.pk).exists()
    # When it is renamed, the old name no longer finds it and the new one does
    organization_update(actor=workspace.rep, organization=acme, data={"name": "Zenith Plc"})
    assert _found(workspace.rep, name="Acme") == []
    assert [c.id for c in _found(workspace.rep, name="ZENITH")] == [acme.pk]
    assert MatchProfile.objects.get(entity="organization", record_id=acme.pk).data["name"] == (
        "Zenith Plc"
    )
    # When it goes to the trash its keys go; restored, they come back
    acme.refresh_from_db()
    organization_delete(actor=workspace.rep, organization=acme)
    assert not MatchKey.objects.filter(entity="organization", record_id=acme.pk).exists()
    acme.refresh_from_db()
    organization_restore(actor=workspace.rep, organization=acme)
    assert [c.id for c in _found(workspace.rep, name="Zenith")] == [acme.pk]


def test_check_leaves_out_hidden_edited_and_dismissed(workspace: Any, make_org: Any) -> None:
    # Given three Acmes: one of South's (hidden from rick), one edited, one judged different
    theirs = make_org(actor=workspace.other_rep, name="Acme")
    edited = make_org(name="Acme GmbH")
    judged = make_org(name="Acme Inc")
    decision_record(actor=workspace.rep, entity="organization", record_a=edited.pk,
                    record_b=judged.pk, decision="not_duplicate")  # fmt: skip
    # When rick edits one of them
    found = _found(workspace.rep, edited.pk, name="Acme GmbH")
    # Then none is proposed; sam, who sees only South's, sees only his own Acme
    assert found == []
    assert [c.id for c in _found(workspace.other_rep, name="Acme")] == [theirs.pk]


def test_scan_rebuilds_keys_of_organisations_saved_without_them(
    workspace: Any, make_org: Any
) -> None:
    # Given organisations loaded in bulk (no save signal: no keys)
    Organization.objects.bulk_create(
        [Organization(name="Acme GmbH", owner=workspace.rep), Organization(name="ACME gmbh.",
                                                                           owner=workspace.rep)]
    )  # fmt: skip
    assert not MatchKey.objects.filter(entity="organization").exists()
    # When the organisation scan runs
    run = scan_run(ScanRun.objects.create(entity="organization").pk)
    # Then it found the pair and the duplicate check can now find them too
    assert run.status == "done" and run.pairs == 1 and run.records == 2
    assert len(_found(workspace.rep, name="Acme")) == 2


def test_form_fragment_warns_while_typing(client: Client, workspace: Any, make_org: Any) -> None:
    acme = make_org(name="Acme GmbH", domain="acme.de")
    client.force_login(workspace.rep)
    response = client.post(reverse("dedupe:organization_check"), {"name": "ACME Gmbh."},
                           headers={"HX-Request": "true"})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "Possible duplicate" in body and "Acme GmbH" in body and "same name" in body
    assert reverse("people:organization_detail", args=[acme.pk]) in body
    # While editing it, the organisation itself is not its own duplicate
    url = reverse("dedupe:organization_check") + f"?organization={acme.pk}"
    assert "Possible duplicate" not in client.post(url, {"name": "Acme GmbH"}).content.decode()


def test_form_pages_load_the_check(client: Client, workspace: Any, make_org: Any) -> None:
    acme = make_org(name="Acme GmbH")
    client.force_login(workspace.rep)
    for url in (reverse("people:organization_create"),
                reverse("people:organization_edit", args=[acme.pk])):  # fmt: skip
        body = client.get(url).content.decode()
        assert reverse("dedupe:organization_check") in body, url
    # The edit form tells the check which organisation is being edited (left out of it)
    assert f"?organization={acme.pk}" in body


def test_dismissing_from_the_form_is_remembered(
    client: Client, workspace: Any, make_org: Any
) -> None:
    acme, other = make_org(name="Acme GmbH"), make_org(name="Acme Inc")
    client.force_login(workspace.rep)
    response = client.post(reverse("dedupe:organization_dismiss"),
                           {"candidate": other.pk, "organization": acme.pk})  # fmt: skip
    assert response.status_code == 200
    assert _found(workspace.rep, acme.pk, name="Acme GmbH") == []


def test_organisation_panel_lists_likely_duplicates(
    client: Client, workspace: Any, make_org: Any
) -> None:
    acme, twin = make_org(name="Acme GmbH"), make_org(name="ACME")
    client.force_login(workspace.rep)
    body = client.get(reverse("dedupe:organization_panel", args=[acme.pk])).content.decode()
    assert (
        "ACME" in body and reverse("dedupe:merge", args=["organization", acme.pk, twin.pk]) in body
    )


def test_api_check(client: Client, workspace: Any, make_org: Any) -> None:
    acme = make_org(name="Acme GmbH", domain="acme.de", city="Berlin")
    client.force_login(workspace.rep)
    response = client.post(
        "/api/v1/organizations/duplicates/check",
        {"name": "ACME Gmbh.", "domain": "www.acme.de", "industry": "ignored"},
        content_type="application/json",
    )
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["id"] == acme.pk and result["name"] == "Acme GmbH"
    assert 0.99 <= result["score"] <= 1 and result["summary"].startswith("same domain, same name")


def test_api_check_refuses_bad_input(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    empty = client.post("/api/v1/organizations/duplicates/check", {"city": "Berlin"},
                        content_type="application/json")  # fmt: skip
    assert empty.status_code == 422 and "name" in empty.json()["detail"]
    bad = client.post("/api/v1/organizations/duplicates/check", {"name": "Acme", "threshold": 2},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "threshold" in str(bad.json()["detail"])
