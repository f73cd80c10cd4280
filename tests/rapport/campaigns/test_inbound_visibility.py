"""Uploaded mail reaches only what the uploader may see (issue #10, item 2).

Under team visibility, Ana belongs to rick (team North); sam is a rep of team South.
An upload of Ana's mail by sam must read exactly like mail from an unknown address,
leave Ana's timeline alone, and a bounce sam uploads must not touch rick's sends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.activities.models import Activity, ActivityLink
from rapport.campaigns.models import (
    Campaign,
    CampaignRecipient,
    InboundEmail,
    MessageStatus,
    OutboundEmail,
    RecipientStatus,
)
from rapport.campaigns.services.inbound import ingest
from rapport.campaigns.services.templates import template_create

DATA = Path(__file__).parent / "data"


def eml(name: str, **values: str) -> bytes:
    text = (DATA / name).read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


def bounce(original: str, tag: str) -> bytes:
    """The Postfix report about ``original`` (none: matched by address), its own Message-ID."""
    raw = eml("bounce.eml", original=original)
    return raw.replace(b"<20260414092003.9C2D11E0042@", f"<{tag}@".encode())


@pytest.fixture
def ana(make_person: Any, workspace: Any) -> Any:
    return make_person(actor=workspace.rep, first_name="Ana", emails=["ana@example.com"])


def _upload(client: Client, user: Any, raw: bytes, name: str = "m.eml") -> str:
    client.force_login(user)
    response = client.post("/campaigns/inbox/upload/", {
        "eml": [SimpleUploadedFile(name, raw, content_type="message/rfc822")]})  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index('id="results-title"') :]  # what the upload reports


def test_an_upload_by_another_team_says_nothing_about_the_person(
    client: Client, workspace: Any, ana: Any
) -> None:
    # Given a reply from Ana's address and the same reply from an address nobody has
    from_ana = eml("reply.eml", in_reply_to="<x@example.com>")
    unknown = from_ana.replace(b"Ana@Example.com", b"nobody@example.net").replace(
        b"BOB@example.com", b"bob@example.net").replace(
        b"<CAF=reply.0001@mail.example.com>", b"<other.0002@mail.example.com>")  # fmt: skip
    # When sam (team South) uploads both
    about_ana = _upload(client, workspace.other_rep, from_ana, "a.eml")
    about_nobody = _upload(client, workspace.other_rep, unknown, "a.eml")
    # Then both answers read alike: no name, "nobody known"
    assert "Ana" not in about_ana and "Souza" not in about_ana
    assert "message logged for nobody known" in about_ana
    assert about_ana == about_nobody
    # And nothing landed on Ana's timeline or links the message to her
    assert not ActivityLink.objects.filter(person=ana).exists()
    inbound = InboundEmail.objects.get(message_id="<CAF=reply.0001@mail.example.com>")
    assert list(inbound.people.all()) == [] and inbound.logged_by == workspace.other_rep


def test_an_upload_by_her_team_logs_it_with_the_uploader_as_actor(
    client: Client, workspace: Any, ana: Any
) -> None:
    answer = _upload(client, workspace.rep2, eml("reply.eml", in_reply_to="<x@example.com>"))
    assert "message logged for Ana Souza" in answer
    link = ActivityLink.objects.get(person=ana, kind="email_in")
    activity = Activity.objects.get(pk=link.activity_id)
    assert activity.actor == workspace.rep2


@pytest.fixture
def ana_sends(workspace: Any, ana: Any) -> tuple[OutboundEmail, CampaignRecipient]:
    ana.emails.update(email="gone@example.com")  # the address the Postfix report names
    single = OutboundEmail.objects.create(
        person=ana, sender=workspace.rep, kind="transactional", to_address="gone@example.com",
        subject="Hi", body_text="x", status="sent", message_id="<m.1@example.com>",
    )  # fmt: skip
    template = template_create(actor=workspace.manager, data={
        "name": "N", "kind": "marketing", "subject": "News", "body_text": "Hi"})  # fmt: skip
    campaign = Campaign.objects.create(name="C", template=template, audience_kind="static",
                                       status="sent", created_by=workspace.manager)  # fmt: skip
    row = CampaignRecipient.objects.create(campaign=campaign, person=ana, email="gone@example.com",
                                           status="sent", message_id="<c.1@example.com>")  # fmt: skip
    return single, row


def test_a_bounce_uploaded_by_another_team_leaves_the_sends_alone(
    workspace: Any, ana_sends: tuple[OutboundEmail, CampaignRecipient]
) -> None:
    single, row = ana_sends
    # When sam uploads bounces naming rick's e-mail and campaign message (and one naming
    # no original, matched by address)
    for tag, original in (("b1", "<m.1@example.com>"), ("b2", "<c.1@example.com>"), ("b3", "")):
        _, created = ingest(bounce(original, tag), source="upload", actor=workspace.other_rep)
        assert created
    # Then neither send is marked bounced
    single.refresh_from_db()
    row.refresh_from_db()
    assert single.status == MessageStatus.SENT and row.status == RecipientStatus.SENT


def test_a_bounce_uploaded_by_her_team_marks_the_sends(
    workspace: Any, ana_sends: tuple[OutboundEmail, CampaignRecipient]
) -> None:
    single, row = ana_sends
    ingest(bounce("<m.1@example.com>", "b1"), source="upload", actor=workspace.rep)
    single.refresh_from_db()
    assert single.status == MessageStatus.BOUNCED
    ingest(bounce("<c.1@example.com>", "b2"), source="upload", actor=workspace.rep)
    row.refresh_from_db()
    assert row.status == RecipientStatus.BOUNCED


def test_the_mailbox_poll_still_matches_everyone(workspace: Any, ana: Any) -> None:
    inbound, _ = ingest(eml("reply.eml", in_reply_to="<x@example.com>"), source="imap")
    assert list(inbound.people.all()) == [ana]
    assert Activity.objects.get(source_ref__contains=inbound.message_id).actor is None
