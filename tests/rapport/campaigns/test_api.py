"""The JSON API: templates CRUD with ETags, one e-mail to a person (202), campaigns."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rapport.accounts.services import token_create
from rapport.campaigns.models import OutboundEmail

JSON = "application/json"


def api(user: Any) -> Client:
    _, secret = token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_templates_crud_with_etags_and_merge_field_errors(workspace: Any) -> None:
    client = api(workspace.rep)
    bad = client.post("/api/v1/email-templates", json.dumps(
        {"name": "Bad", "subject": "{{ person.secret }}", "body_text": "x"}), content_type=JSON)  # fmt: skip
    assert bad.status_code == 422 and "subject" in bad.json()["detail"]
    created = client.post("/api/v1/email-templates", json.dumps(
        {"name": "Hi", "kind": "marketing", "subject": "Hi {{ person.first_name }}", "body_text": "x"}),
        content_type=JSON)  # fmt: skip
    assert created.status_code == 201
    url = created["Location"]
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    changed = client.patch(
        url, json.dumps({"name": "Hello"}), content_type=JSON, headers={"If-Match": etag}
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = client.patch(
        url, json.dumps({"name": "Again"}), content_type=JSON, headers={"If-Match": etag}
    )
    assert stale.status_code == 412 and "detail" in stale.json()
    listed = client.get("/api/v1/email-templates?limit=1").json()
    assert [t["name"] for t in listed["results"]] == ["Hello"] and listed["next"] is None
    assert client.delete(url).status_code == 204


def test_send_an_email_to_a_person_answers_202_with_its_id(
    smtp_sink: Any, workspace: Any, make_person: Any
) -> None:
    person = make_person(emails=["ana@example.com"])
    client = api(workspace.rep)
    response = client.post(f"/api/v1/people/{person.pk}/emails", json.dumps(
        {"subject": "Your order", "body_text": "Dear {{ person.first_name }}, thanks."}), content_type=JSON)  # fmt: skip
    assert response.status_code == 202
    body = response.json()
    message = OutboundEmail.objects.get(pk=body["id"])
    assert body["message_id"] == message.message_id
    status = client.get(response["Location"]).json()
    assert status["status"] == "sent"
    assert smtp_sink.received[0].text().startswith("Dear Ana, thanks.")
    # marketing without consent: 422, nothing sent
    refused = client.post(f"/api/v1/people/{person.pk}/emails", json.dumps(
        {"subject": "Offer", "body_text": "Buy", "kind": "marketing"}), content_type=JSON)  # fmt: skip
    assert refused.status_code == 422 and len(smtp_sink.received) == 1
    # someone who may not see the person: 404
    hidden = api(workspace.other_rep).post(f"/api/v1/people/{person.pk}/emails", json.dumps(
        {"subject": "x", "body_text": "y"}), content_type=JSON)  # fmt: skip
    assert hidden.status_code == 404


@pytest.fixture
def template_id(workspace: Any) -> int:
    response = api(workspace.manager).post("/api/v1/email-templates", json.dumps(
        {"name": "News", "kind": "marketing", "subject": "News", "body_text": "Hi {{ person.first_name }}"}),
        content_type=JSON)  # fmt: skip
    return int(response.json()["id"])


def test_a_campaign_through_the_api(
    smtp_sink: Any, workspace: Any, make_person: Any, template_id: int
) -> None:
    people = [make_person(first_name=f"P{i}", emails=[f"p{i}@example.com"], email_consent="granted")
              for i in range(3)]  # fmt: skip
    client = api(workspace.manager)
    created = client.post("/api/v1/campaigns", json.dumps({
        "name": "Spring", "template_id": template_id, "audience_kind": "static",
        "person_ids": [p.pk for p in people],
    }), content_type=JSON)  # fmt: skip
    assert created.status_code == 201 and created.json()["person_count"] == 3
    url = created["Location"]
    sent = client.post(f"{url}/send", content_type=JSON)
    assert sent.status_code == 202
    results = client.get(f"{url}/results").json()
    assert results["counts"] == {"sent": 3} and results["handed_over"] == 3
    assert len(smtp_sink.received) == 3
    # a started campaign cannot be changed or sent again
    assert client.patch(url, json.dumps({"name": "x"}), content_type=JSON).status_code == 409
    assert client.post(f"{url}/send", content_type=JSON).status_code == 409
    assert client.delete(url).status_code == 409
    listed = client.get("/api/v1/campaigns").json()["results"]
    assert [c["status"] for c in listed] == ["sent"]


def test_campaign_validation_errors_are_per_field(workspace: Any, template_id: int) -> None:
    response = api(workspace.manager).post("/api/v1/campaigns", json.dumps(
        {"name": "", "template_id": template_id, "audience_kind": "segment", "segment_id": 999}),
        content_type=JSON)  # fmt: skip
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"name", "segment_id"}
    assert api(workspace.rep).post("/api/v1/campaigns", "{}", content_type=JSON).status_code == 403
