"""An organisation's main phone number: normalised, audited, searchable, on the pages and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.core.audit import audit_history
from rapport.core.errors import ValidationFailed
from rapport.people.models import Organization
from rapport.people.search import apply_search
from rapport.people.services import organization_update

JSON = "application/json"
ORGS = "/api/v1/organizations"


# --- the service ---------------------------------------------------------------------------------


def test_the_phone_is_stored_in_e164_read_with_the_default_region(make_org: Any) -> None:
    # The workspace's default region is US: a national number gets +1
    assert make_org(phone="(415) 555-2671").phone == "+14155552671"
    assert make_org(name="Globex", phone=" +44 20 7946 0958 ").phone == "+442079460958"
    assert make_org(name="Initech", phone="").phone == ""


def test_a_bad_phone_is_refused_with_a_clear_message(make_org: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_org(phone="12345")
    [message] = caught.value.detail["phone"]
    assert "'12345' is not a valid phone number" in message and "country code" in message
    assert not Organization.objects.exists()


def test_changing_the_phone_is_audited_and_bumps_the_version(workspace: Any, make_org: Any) -> None:
    org = make_org()
    [created] = audit_history(entity_type="organization", entity_id=org.pk)
    assert created.changes["phone"] == [None, ""]

    organization_update(actor=workspace.rep, organization=org, data={"phone": "415 555 2671"})
    org.refresh_from_db()
    assert (org.phone, org.version) == ("+14155552671", 2)
    changed = audit_history(entity_type="organization", entity_id=org.pk)[0]
    assert changed.action == "update" and changed.changes["phone"] == ["", "+14155552671"]

    # Leaving the phone out of the data leaves it alone; an empty one clears it
    organization_update(actor=workspace.rep, organization=org, data={"industry": "Food"})
    org.refresh_from_db()
    assert org.phone == "+14155552671"
    organization_update(actor=workspace.rep, organization=org, data={"phone": ""})
    org.refresh_from_db()
    assert org.phone == ""


def test_the_organisation_is_found_by_its_phone_digits(make_org: Any) -> None:
    acme = make_org(phone="+44 20 7946 0958")
    make_org(name="Globex")
    for typed in ("442079460958", "02079460958", "2079460958"):
        assert list(apply_search(Organization.objects.all(), typed)) == [acme], typed


# --- the API -------------------------------------------------------------------------------------


def test_the_api_writes_and_reads_the_phone(workspace: Any, api_as: Any) -> None:
    client = api_as(workspace.rep)
    created = client.post(ORGS, {"name": "Acme", "phone": "(415) 555-2671"}, content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["phone"] == "+14155552671"

    changed = client.patch(f"{ORGS}/{body['id']}", {"phone": "+44 20 7946 0958"},
                           content_type=JSON)  # fmt: skip
    assert changed.status_code == 200 and changed.json()["phone"] == "+442079460958"
    assert client.get(f"{ORGS}/{body['id']}").json()["phone"] == "+442079460958"
    listed = client.get(ORGS, {"q": "2079460958"}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]


def test_a_bad_phone_through_the_api_is_422(workspace: Any, api_as: Any, make_org: Any) -> None:
    client = api_as(workspace.rep)
    refused = client.post(ORGS, {"name": "Acme", "phone": "not a number"}, content_type=JSON)
    assert refused.status_code == 422
    [message] = refused.json()["detail"]["phone"]
    assert "'not a number' is not a phone number" in message
    org = make_org(phone="+14155552671")
    refused = client.patch(f"{ORGS}/{org.pk}", {"phone": "12345"}, content_type=JSON)
    assert refused.status_code == 422 and "phone" in refused.json()["detail"]
    org.refresh_from_db()
    assert (org.phone, org.version) == ("+14155552671", 1)


# --- the pages -----------------------------------------------------------------------------------


def test_the_form_and_page_show_and_edit_the_phone(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    base = {"relationship_type": "customer", "owner": workspace.rep.pk, "team": workspace.north.pk}
    failed = client.post(reverse("people:organization_create"),
                         {**base, "name": "Acme", "phone": "12345"})  # fmt: skip
    assert failed.status_code == 422 and "is not a valid phone number" in failed.content.decode()

    client.post(reverse("people:organization_create"),
                {**base, "name": "Acme", "phone": "(415) 555-2671"})  # fmt: skip
    org = Organization.objects.get()
    assert org.phone == "+14155552671"
    page = client.get(reverse("people:organization_detail", args=[org.pk])).content.decode()
    assert 'href="tel:+14155552671"' in page and "+1 415-555-2671" in page
    form = client.get(reverse("people:organization_edit", args=[org.pk])).content.decode()
    assert 'value="+1 415-555-2671"' in form

    response = client.post(reverse("people:organization_edit", args=[org.pk]),
                           {**base, "name": "Acme", "phone": "+44 20 7946 0958",
                            "version": org.version})  # fmt: skip
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.phone, org.version) == ("+442079460958", 2)
