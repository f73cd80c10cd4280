"""The unsubscribe link: opening it asks (a link scanner's GET changes nothing and the
page never shows the whole address); a POST, or a mail app's RFC 8058 one-click POST
without any cookie or CSRF token, unsubscribes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client

from rapport.campaigns.models import Campaign, CampaignRecipient, RecipientStatus
from rapport.campaigns.services.single import email_queue
from rapport.campaigns.services.templates import template_create
from rapport.campaigns.unsubscribe import masked_address, unsubscribe_token
from rapport.people.models import ConsentStatus


@pytest.fixture
def ana(make_person: Any) -> Any:
    return make_person(first_name="Ana", emails=["ana.souza@example.com"], email_consent="granted")


def _link(smtp_sink: Any, workspace: Any, ana: Any) -> str:
    template = template_create(actor=workspace.rep, data={
        "name": "News", "kind": "marketing", "subject": "News", "body_text": "Hello",
    })  # fmt: skip
    email_queue(actor=workspace.rep, person=ana, data={"template_id": template.pk})
    (received,) = smtp_sink.to("ana.souza@example.com")
    # The mail carries both RFC 8058 headers, and the link is an https/http URL to POST to
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return urlparse(received.message["List-Unsubscribe"].strip().strip("<>")).path


def test_opening_the_link_asks_and_changes_nothing(
    smtp_sink: Any, workspace: Any, ana: Any
) -> None:
    path = _link(smtp_sink, workspace, ana)
    # When a link scanner (or Ana) opens the link
    response = Client().get(path)
    # Then a confirmation page with a button answers, and nothing changed
    assert response.status_code == 200
    assert b'method="post"' in response.content and b"Unsubscribe" in response.content
    ana.refresh_from_db()
    assert ana.email_consent == ConsentStatus.GRANTED
    # And the page shows the address only masked
    assert b"ana.souza@example.com" not in response.content
    assert b"ana.souza" not in response.content and b"example.com" not in response.content
    assert masked_address("ana.souza@example.com").encode() in response.content
    assert response["Cache-Control"] == "no-store"


def test_the_one_click_post_unsubscribes_without_a_csrf_token(
    smtp_sink: Any, workspace: Any, ana: Any
) -> None:
    path = _link(smtp_sink, workspace, ana)
    # When Ana's mail app sends the RFC 8058 one-click POST (no cookie, no CSRF token)
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    # Then she is unsubscribed, and the answer does not show her address either
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    assert b"ana.souza@example.com" not in response.content
    ana.refresh_from_db()
    assert ana.email_consent == ConsentStatus.WITHDRAWN
    assert ana.email_consent_method == "unsubscribe link"
    # And opening the link again says so, still changing nothing
    again = client.get(path)
    assert again.status_code == 200 and b"You are unsubscribed" in again.content


def test_the_confirmation_button_unsubscribes_and_marks_the_campaign_row(
    workspace: Any, ana: Any
) -> None:
    template = template_create(actor=workspace.manager, data={
        "name": "N", "kind": "marketing", "subject": "News", "body_text": "Hi"})  # fmt: skip
    campaign = Campaign.objects.create(name="C", template=template, audience_kind="static",
                                       status="sent", created_by=workspace.manager)  # fmt: skip
    row = CampaignRecipient.objects.create(campaign=campaign, person=ana, status="sent",
                                           email="ana.souza@example.com", message_id="<c.1@x>")  # fmt: skip
    path = f"/campaigns/unsubscribe/{unsubscribe_token(person_id=ana.pk, campaign_id=campaign.pk)}/"
    client = Client(enforce_csrf_checks=True)
    # Opening the link leaves the row as it was
    assert client.get(path).status_code == 200
    row.refresh_from_db()
    assert row.status == RecipientStatus.SENT
    # Pressing the page's button (a plain form POST) unsubscribes
    assert client.post(path, {}).status_code == 200
    row.refresh_from_db()
    ana.refresh_from_db()
    assert row.status == RecipientStatus.UNSUBSCRIBED
    assert ana.email_consent == ConsentStatus.WITHDRAWN


def test_a_forged_link_is_not_found_either_way(db: Any) -> None:
    client = Client()
    assert client.get("/campaigns/unsubscribe/nope:forged/").status_code == 404
    assert client.post("/campaigns/unsubscribe/nope:forged/").status_code == 404


def test_addresses_are_masked() -> None:
    assert masked_address("ana@example.com") == "a••@e••••••.com"
    assert masked_address("x@y") == "x••@y••"
    assert masked_address("") == ""
