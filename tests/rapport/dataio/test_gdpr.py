"""GDPR: export everything about a person; erase a person, scrubbing the audit trail."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from rapport.core.audit import REDACTED
from rapport.core.models import AuditEvent
from rapport.dataio.gdpr import person_erase
from rapport.dataio.models import Erasure, ExternalId
from rapport.people.models import Person
from rapport.people.selectors import ListFilter, person_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(workspace: Any, make_person: Any, make_org: Any) -> Any:
    from rapport.people.services import person_update

    org = make_org(name="Acme")
    person = make_person(first_name="Ana", last_name="Souza", emails=["ana@mail.example.com"],
                         phones=["+14155552671"], tags=["vip"], birthday="1980-01-02", city="Lisboa",
                         organizations=[{"organization_id": org.pk, "role": "CTO"}])  # fmt: skip
    person_update(actor=workspace.rep, person=person, data={"last_name": "Lima"})
    ExternalId.objects.create(entity="person", source="hubspot", value="77", person=person)
    return Person.objects.get(pk=person.pk)


def test_gdpr_export_holds_everything(client: Client, workspace: Any, ana: Any) -> None:
    client.force_login(workspace.manager)
    response = client.post(reverse("dataio:gdpr_export", args=[ana.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"person.json", "profile.csv", "audit_history.csv", "people.personemail.csv",
            "people.personphone.csv", "people.affiliation.csv", "dataio.externalid.csv"} <= names  # fmt: skip
    data = json.loads(archive.read("person.json"))
    assert data["profile"]["last_name"] == "Lima" and data["profile"]["birthday"] == "1980-01-02"
    assert data["related"]["people.personemail"][0]["email"] == "ana@mail.example.com"
    assert data["related"]["people.person_tags"] == [{"tag": "vip"}]
    assert [h["action"] for h in data["audit_history"]] == ["create", "update"]
    assert "Lima" in archive.read("audit_history.csv").decode()


def test_erase_anonymises_in_place_and_scrubs_history(workspace: Any, ana: Any) -> None:
    # When the admin erases Ana
    erasure = person_erase(actor=workspace.admin, person=ana, reason="ticket 42")
    # Then the row stays, without anything that identifies her
    person = Person.objects.get(pk=ana.pk)
    assert person.full_name == "Erased person"
    assert (person.email, person.phone, person.birthday, person.city, person.search_text) == (
        "",
        "",
        None,
        "",
        "",
    )
    assert (
        not person.emails.exists()
        and not person.phones.exists()
        and not person.affiliations.exists()
    )
    assert not ExternalId.objects.filter(person_id=ana.pk).exists()
    assert person.tags.exists()  # aggregate facts are kept
    # ...the old values are gone from the audit trail, and the erasure is recorded
    events = AuditEvent.objects.filter(entity_type="person", entity_id=ana.pk)
    assert not any(
        "Souza" in json.dumps(e.changes) or "Lima" in json.dumps(e.changes) for e in events
    )
    assert events.filter(changes=REDACTED).count() == 2
    assert events.filter(action="erase").count() == 1
    assert (erasure.erased_by, erasure.person_ref, erasure.reason) == (
        workspace.admin,
        ana.pk,
        "ticket 42",
    )
    # ...and search no longer finds her
    assert not person_list(user=workspace.admin, flt=ListFilter(q="souza")).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET action = 'forged'",
        'UPDATE core_auditevent SET changes = \'{"redacted": "forged"}\'',
        'UPDATE core_auditevent SET changes = \'{"redacted": "erased"}\', entity_id = 999',
        "UPDATE core_auditevent SET changes = '{\"redacted\": \"erased\"}', actor_label = 'x'",
        "DELETE FROM core_auditevent",
    ],
)
def test_the_trigger_allows_only_the_redaction(ana: Any, statement: str) -> None:
    if connection.vendor == "postgresql":
        statement = statement.replace("}'", "}'::jsonb")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert not AuditEvent.objects.filter(changes=REDACTED).exists()


def test_the_trigger_allows_the_redaction_marker(ana: Any) -> None:
    marker = '\'{"redacted": "erased"}\'' + ("::jsonb" if connection.vendor == "postgresql" else "")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE core_auditevent SET changes = {marker} WHERE entity_type = 'person' "  # noqa: S608
                       "AND entity_id = %s", [ana.pk])  # fmt: skip
    assert AuditEvent.objects.filter(entity_id=ana.pk, changes=REDACTED).count() == 2
    # ...and on other records' events, which an erasure redacts when they quote the person
    # (migration 0003: their orders' and notes' history); no other column may change
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE core_auditevent SET changes = {marker} "  # noqa: S608
                       "WHERE entity_type = 'organization'")  # fmt: skip
    assert AuditEvent.objects.filter(entity_type="organization", changes=REDACTED).exists()


@pytest.mark.parametrize(("role", "allowed"), [("admin", True), ("manager", True), ("rep", False),
                                               ("viewer", False), ("other_rep", False)])  # fmt: skip
def test_who_may_erase(client: Client, workspace: Any, ana: Any, role: str, allowed: bool) -> None:
    client.force_login(getattr(workspace, role))
    page = client.get(reverse("dataio:erase", args=[ana.pk]))
    response = client.post(reverse("dataio:erase", args=[ana.pk]), {"confirm": "ERASE"})
    assert (page.status_code == 200) is allowed
    assert Erasure.objects.exists() is allowed
    if not allowed:
        assert response.status_code in (403, 404)


def test_erase_needs_the_confirmation_word(client: Client, workspace: Any, ana: Any) -> None:
    client.force_login(workspace.admin)
    response = client.post(reverse("dataio:erase", args=[ana.pk]), {"confirm": "yes"})
    assert response.status_code == 422 and not Erasure.objects.exists()
    response = client.post(reverse("dataio:erase", args=[ana.pk]), {"confirm": "ERASE"})
    assert response.status_code == 302
    detail = client.get(reverse("people:person_detail", args=[ana.pk]))
    assert detail.status_code == 200 and "Erased person" in detail.content.decode()


def test_the_panel_shows_tools_only_to_those_allowed(
    client: Client, workspace: Any, ana: Any
) -> None:
    url = reverse("dataio:gdpr_panel", args=[ana.pk])
    client.force_login(workspace.admin)
    assert "Erase this person" in client.get(url).content.decode()
    client.force_login(workspace.rep)
    response = client.get(url)
    assert response.status_code == 200 and "Erase" not in response.content.decode()
    client.force_login(workspace.other_rep)
    assert client.get(url).status_code == 404
