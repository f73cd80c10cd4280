"""Text as it enters, through the API, the pages and imports: no NUL reaches the database
(PostgreSQL refuses it: these were 500s there), and names lose control and bidi-override
characters. Run on PostgreSQL too: SQLite stores NUL and hides the bug."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.activities.models import Activity, Task
from rapport.campaigns.models import EmailTemplate
from rapport.insights.models import Segment
from rapport.people.models import Organization, Person
from rapport.sales.imports import import_orders_text
from rapport.sales.models import Order
from tests.rapport.dataio.helpers import run

JSON = "application/json"
NUL = "a\x00b"
# What a name must not carry: a bell, an escape, a right-to-left override, an isolate.
SPOOFED = "Ana\x07\x1b \u202eSouza\u2066\u2069"


def _browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_drops_nul_from_every_text_it_stores(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person()
    api = api_as(workspace.manager)
    writes = {
        "/api/v1/activities": {"kind": "note", "subject": NUL, "body": NUL, "people": [person.pk]},
        "/api/v1/tasks": {"title": NUL, "notes": NUL, "people": [person.pk]},
        "/api/v1/email-templates": {"name": NUL, "kind": "marketing", "subject": NUL,
                                    "body_text": NUL},
        "/api/v1/segments": {"name": NUL, "definition": [{"field": "tag", "op": "eq",
                                                          "value": NUL}]},
        "/api/v1/orders": {"person_id": person.pk, "ordered_at": "2024-02-01", "amount": "10",
                           "currency": "EUR", "note": NUL},
    }  # fmt: skip
    for url, body in writes.items():
        response = api.post(url, json.dumps(body), content_type=JSON)
        assert response.status_code == 201, (url, response.content)

    assert Activity.objects.get().body == "ab" and Activity.objects.get().subject == "ab"
    assert (Task.objects.get().title, Task.objects.get().notes) == ("ab", "ab")
    template = EmailTemplate.objects.get()
    assert (template.name, template.subject, template.body_text) == ("ab", "ab", "ab")
    segment = Segment.objects.get()
    assert segment.name == "ab" and segment.definition[0]["value"] == "ab"
    assert Order.objects.get().note == "ab"


def test_api_filters_holding_nul_answer_normally(workspace: Any, api_as: Any) -> None:
    api = api_as(workspace.manager)
    for url, params in (("/api/v1/people", {"tag": NUL}), ("/api/v1/organizations", {"tag": NUL}),
                        ("/api/v1/orders", {"currency": NUL})):  # fmt: skip
        response = api.get(url, params)
        assert response.status_code == 200, (url, response.content)
        assert response.json()["results"] == []


def test_pages_that_read_the_form_themselves_drop_nul(workspace: Any, make_person: Any) -> None:
    person = make_person()
    browser = _browser(workspace.manager)

    saved = browser.post(reverse("insights:segment_create"), {
        "name": NUL, "entity": "person", "field": ["tag"], "op": ["eq"], "value": [NUL], "save": "1",
    })  # fmt: skip
    flagged = browser.post(
        reverse("insights:flag_set", args=["person", person.pk]),
        {"kind": "benchmark", "reason": NUL},
    )

    assert saved.status_code == 302 and flagged.status_code < 400
    segment = Segment.objects.get()
    assert segment.name == "ab" and segment.definition[0]["value"] == "ab"
    for page in (reverse("people:person_list"), reverse("people:organization_list")):
        assert browser.get(page, {"tag": NUL}).status_code == 200


def test_forms_store_text_without_nul(workspace: Any, make_person: Any) -> None:
    person = make_person()
    browser = _browser(workspace.manager)

    task = browser.post(reverse("activities:task_list"), {
        "title": NUL, "priority": "high", "recurrence": "none", "assignee": str(workspace.manager.pk),
    })  # fmt: skip
    note = browser.post(reverse("activities:person_log", args=[person.pk]),
                        {"what": "note", "body": NUL})  # fmt: skip
    template = browser.post(reverse("campaigns:template_create"), {
        "name": NUL, "kind": "marketing", "subject": NUL, "body_text": NUL, "body_html": ""})  # fmt: skip

    assert (task.status_code, note.status_code, template.status_code) == (302, 302, 302)
    assert Task.objects.get().title == "ab" and Activity.objects.get().body == "ab"
    assert EmailTemplate.objects.get().subject == "ab"


def test_imports_drop_nul_from_order_notes(workspace: Any, make_person: Any) -> None:
    make_person(emails=["ana@example.com"])
    report = import_orders_text(
        "email,date,amount,note\nana@example.com,2024-01-05,19.90,a\x00b\n", user=workspace.rep
    )
    assert report.created == 1, report.problems
    assert Order.objects.get().note == "ab"


def test_inbound_mail_drops_nul_from_subject_and_body(workspace: Any, make_person: Any) -> None:
    from rapport.campaigns.services.inbound import ingest

    make_person(emails=["ana@example.com"])
    raw = (
        b"Message-ID: <nul.1@mail.example.com>\r\nFrom: Ana <ana@example.com>\r\n"
        b"To: crm@example.com\r\nSubject: Re:\x00 prices\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        b"\r\nsee=00 you\r\n"
    )
    inbound, created = ingest(raw, source="upload")
    assert created and inbound.subject == "Re: prices" and "\x00" not in inbound.body_text
    assert Activity.objects.get(kind="email_in").body.startswith("see you")


@pytest.mark.parametrize("how", ["api", "page"])
def test_names_lose_control_and_bidi_override_characters(
    workspace: Any, api_as: Any, how: str
) -> None:
    if how == "api":
        api = api_as(workspace.rep)
        person = api.post("/api/v1/people", json.dumps({"first_name": SPOOFED, "last_name": "X"}),
                          content_type=JSON)  # fmt: skip
        org = api.post("/api/v1/organizations", json.dumps({"name": SPOOFED}), content_type=JSON)
        assert person.status_code == 201 and org.status_code == 201
    else:
        browser = _browser(workspace.rep)
        common = {"owner": workspace.rep.pk, "team": workspace.north.pk}
        person = browser.post(reverse("people:person_create"), {
            **common, "first_name": SPOOFED, "last_name": "X", "lifecycle_stage": "prospect",
            "email_consent": "unknown",
        })  # fmt: skip
        org = browser.post(reverse("people:organization_create"),
                           {**common, "name": SPOOFED, "relationship_type": "prospect"})  # fmt: skip
        assert person.status_code == 302 and org.status_code == 302
    assert Person.objects.get().first_name == "Ana Souza"
    assert Organization.objects.get().name == "Ana Souza"


def test_imported_names_lose_control_and_bidi_override_characters(workspace: Any) -> None:
    job = run(workspace.rep, f"First name,Last name,Email\n{SPOOFED},X,ana@mail.example.com\n")
    assert job.created == 1
    assert Person.objects.get().first_name == "Ana Souza"


def test_a_name_made_only_of_invisible_characters_is_refused(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(
        "/api/v1/organizations", json.dumps({"name": "\u202e\x07"}), content_type=JSON
    )
    assert response.status_code == 422 and "name" in response.json()["detail"]
