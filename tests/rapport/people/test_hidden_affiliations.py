"""A person linked (by an admin) to an organisation the viewer may not see: the
organisation's name never shows — API, page, edit form, CSV export — and saving the
person keeps that affiliation as it was (issue 10 item 14)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.people.models import HIDDEN_ORGANIZATION, Affiliation, Person
from rapport.people.services import person_update

pytestmark = pytest.mark.django_db

JSON = "application/json"
SECRET = "Southern Secret Holdings"


@pytest.fixture
def linked(workspace: Any, make_person: Any, make_org: Any) -> dict[str, Any]:
    """Rick's person Ana, at Acme (rick's) and — linked by the admin — at team South's
    organisation, which rick may not see under team visibility."""
    acme = make_org(name="Acme Bakery")
    secret = make_org(actor=workspace.other_rep, name=SECRET)
    ana = make_person(first_name="Ana", organizations=[{"organization_id": acme.pk, "role": "CTO"}])
    person_update(actor=workspace.admin, person=ana, data={"organizations": [
        {"organization_id": acme.pk, "role": "CTO"},
        {"organization_id": secret.pk, "role": "Adviser"},
    ]})  # fmt: skip
    return {"ana": Person.objects.get(pk=ana.pk), "acme": acme, "secret": secret}


def _affiliations(person: Person) -> set[tuple[int, str]]:
    return {(a.organization_id, a.role) for a in Affiliation.objects.filter(person=person)}


def test_the_api_names_a_hidden_organisation_as_one_you_cannot_see(
    workspace: Any, api_as: Any, linked: dict[str, Any]
) -> None:
    client = api_as(workspace.rep)
    # When rick reads Ana, alone and in the list
    one = client.get(f"/api/v1/people/{linked['ana'].pk}")
    many = client.get("/api/v1/people")
    # Then the South organisation is there, but not its name
    assert SECRET not in one.content.decode() and SECRET not in many.content.decode()
    organizations = one.json()["organizations"]
    assert [(o["name"], o["visible"]) for o in organizations] == [
        ("Acme Bakery", True), (HIDDEN_ORGANIZATION, False),
    ]  # fmt: skip
    assert many.json()["results"][0]["organizations"] == organizations
    # while the admin, who sees it, gets its name
    admin = api_as(workspace.admin).get(f"/api/v1/people/{linked['ana'].pk}").json()
    assert [o["name"] for o in admin["organizations"]] == ["Acme Bakery", SECRET]


def test_saving_through_the_api_keeps_a_hidden_affiliation(
    workspace: Any, api_as: Any, linked: dict[str, Any]
) -> None:
    client = api_as(workspace.rep)
    ana, acme, secret = linked["ana"], linked["acme"], linked["secret"]
    url = f"/api/v1/people/{ana.pk}"
    # When rick sends back what he read (the hidden one included) with a new role at Acme
    sent = [{"organization_id": o["organization_id"], "role": "CEO" if o["visible"] else "x"}
            for o in client.get(url).json()["organizations"]]  # fmt: skip
    round_trip = client.patch(url, {"organizations": sent}, content_type=JSON)
    # Then it saves, and the hidden affiliation is as the admin left it
    assert round_trip.status_code == 200, round_trip.content
    assert _affiliations(ana) == {(acme.pk, "CEO"), (secret.pk, "Adviser")}
    # And when he sends only the organisations he can see, or none, it stays too
    assert client.patch(url, {"organizations": []}, content_type=JSON).status_code == 200
    assert _affiliations(ana) == {(secret.pk, "Adviser")}
    # But he still cannot link someone to an organisation he may not see
    other = Person.objects.create(first_name="Bo", owner=workspace.rep)
    refused = client.patch(f"/api/v1/people/{other.pk}",
                           {"organizations": [{"organization_id": secret.pk}]}, content_type=JSON)  # fmt: skip
    assert refused.status_code == 422 and "detail" in refused.json()


def test_the_page_and_the_edit_form_hide_the_name_and_saving_keeps_it(
    client: Client, workspace: Any, linked: dict[str, Any]
) -> None:
    ana, acme, secret = linked["ana"], linked["acme"], linked["secret"]
    client.force_login(workspace.rep)
    # The person's page and the list
    page = client.get(reverse("people:person_detail", args=[ana.pk])).content.decode()
    listing = client.get(reverse("people:person_list")).content.decode()
    assert SECRET not in page and HIDDEN_ORGANIZATION in page and "Acme Bakery" in page
    assert SECRET not in listing
    # The edit form neither names it nor offers it
    form = client.get(reverse("people:person_edit", args=[ana.pk]))
    assert form.status_code == 200 and SECRET not in form.content.decode()
    # Saving the form (with Acme only, as it shows) keeps the hidden affiliation
    saved = client.post(reverse("people:person_edit", args=[ana.pk]), {
        "first_name": "Ana", "lifecycle_stage": "prospect", "email_consent": "unknown",
        "version": ana.version, "owner": workspace.rep.pk, "team": workspace.north.pk,
        "organization_0": acme.pk, "role_0": "CTO",
    })  # fmt: skip
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert _affiliations(ana) == {(acme.pk, "CTO"), (secret.pk, "Adviser")}


def test_the_csv_export_hides_the_name(
    client: Client, workspace: Any, make_person: Any, make_org: Any
) -> None:
    # Given a person whose first organisation is one rick may not see
    secret = make_org(actor=workspace.other_rep, name=SECRET)
    bo = make_person(first_name="Bo")
    person_update(actor=workspace.admin, person=bo,
                  data={"organizations": [{"organization_id": secret.pk}]})  # fmt: skip
    client.force_login(workspace.rep)
    response = client.get(reverse("dataio:export", args=["people", "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert SECRET not in body
    assert [r["Organisation"] for r in rows] == [HIDDEN_ORGANIZATION]


def test_the_duplicate_review_hides_the_name(
    client: Client, workspace: Any, make_person: Any, make_org: Any
) -> None:
    from rapport.dedupe.scan import scan_run
    from rapport.dedupe.services import scan_request

    # Given two of rick's people alike enough to review, one linked to South's organisation
    secret = make_org(actor=workspace.other_rep, name=SECRET)
    for first in ("Ana", "Anna"):
        twin = make_person(first_name=first, last_name="Souza", emails=["ana@example.com"],
                           phones=["+14155550123"])  # fmt: skip
    person_update(actor=workspace.admin, person=twin,
                  data={"organizations": [{"organization_id": secret.pk}]})  # fmt: skip
    scan_run(scan_request(entity="person", requested_by=None).pk)
    client.force_login(workspace.rep)
    body = client.get(reverse("dedupe:review")).content.decode()
    assert "Anna Souza" in body and SECRET not in body and HIDDEN_ORGANIZATION in body
