"""Pages: templates with preview, composing an e-mail from a person's page, campaigns
and their results, uploading received mail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.campaigns.models import (
    Campaign,
    CampaignStatus,
    EmailTemplate,
    InboundEmail,
    OutboundEmail,
)
from rapport.campaigns.services.templates import template_create

DATA = Path(__file__).parent / "data"


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_a_template_is_written_previewed_and_saved(
    client: Client, workspace: Any, make_person: Any
) -> None:
    make_person(first_name="Ana", emails=["ana@example.com"])
    login(client, workspace.rep)
    data = {"name": "Welcome", "kind": "marketing", "subject": "Welcome {{ person.first_name }}",
            "body_text": "Hello {{ person.first_name }}", "body_html": ""}  # fmt: skip
    preview = client.post("/campaigns/templates/preview/", data, headers={"HX-Request": "true"})
    assert preview.status_code == 200
    assert b"Welcome Ana" in preview.content and b"unsubscribe" in preview.content
    bad = client.post("/campaigns/templates/new/", {**data, "subject": "{{ nope }}"})
    assert bad.status_code == 422 and b"Unknown merge field" in bad.content
    saved = client.post("/campaigns/templates/new/", data)
    assert saved.status_code == 302
    assert EmailTemplate.objects.get().name == "Welcome"
    assert b"Welcome" in client.get("/campaigns/templates/").content


def test_email_from_a_person_page_preview_then_send(
    client: Client, smtp_sink: Any, workspace: Any, make_person: Any
) -> None:
    person = make_person(first_name="Ana", emails=["ana@example.com"])
    login(client, workspace.rep)
    page = client.get(f"/people/{person.pk}/")
    assert b"email-panel" in page.content  # the panel slot on the record page
    panel = client.get(f"/campaigns/people/{person.pk}/emails/")
    assert b"Write e-mail" in panel.content
    form = {
        "kind": "transactional",
        "subject": "Hi {{ person.first_name }}",
        "body_text": "See you, {{ person.first_name }}",
    }
    preview = client.post(f"/campaigns/people/{person.pk}/email/", {**form, "action": "preview"},
                          headers={"HX-Request": "true"})  # fmt: skip
    assert b"See you, Ana" in preview.content and smtp_sink.received == []
    sent = client.post(f"/campaigns/people/{person.pk}/email/", {**form, "action": "send"})
    assert sent.status_code == 302
    assert smtp_sink.received[0].message["Subject"] == "Hi Ana"
    assert OutboundEmail.objects.get().status == "sent"
    assert b"Hi Ana" in client.get(f"/campaigns/people/{person.pk}/emails/").content
    # marketing without consent is refused on the form, with the reason
    refused = client.post(
        f"/campaigns/people/{person.pk}/email/", {**form, "kind": "marketing", "action": "send"}
    )
    assert refused.status_code == 422 and b"opt-in" in refused.content


def test_a_campaign_is_created_sent_and_its_results_shown(
    client: Client,
    smtp_sink: Any,
    workspace: Any,
    make_person: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    people = [make_person(first_name=f"P{i}", emails=[f"p{i}@example.com"], email_consent="granted", tags=["vip"])
              for i in range(3)]  # fmt: skip
    make_person(first_name="Nope", emails=["nope@example.com"], tags=["vip"])
    template = template_create(actor=workspace.manager, data={
        "name": "News", "kind": "marketing", "subject": "News", "body_text": "Hi"})  # fmt: skip
    login(client, workspace.manager)
    created = client.post("/campaigns/new/", {"name": "VIP news", "template_id": template.pk,
                                              "audience_kind": "static", "people_filter": "tag=vip"})  # fmt: skip
    assert created.status_code == 302
    campaign = Campaign.objects.get()
    assert len(campaign.static_person_ids) == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/campaigns/{campaign.pk}/send/", {"at": ""}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT and len(smtp_sink.received) == 3
    page = client.get(f"/campaigns/{campaign.pk}/")
    assert b'data-status="sent">3<' in page.content and b'data-status="skipped">1<' in page.content
    assert b"P0" in page.content
    assert b"VIP news" in client.get("/campaigns/").content
    # a rep sees the results but not the buttons, and cannot send
    login(client, workspace.rep)
    assert b"Send / schedule" not in client.get(f"/campaigns/{campaign.pk}/").content
    assert client.post(f"/campaigns/{campaign.pk}/send/").status_code == 403
    assert people


def test_uploading_received_mail_logs_it(client: Client, workspace: Any, make_person: Any) -> None:
    make_person(first_name="Ana", emails=["ana@example.com"])
    login(client, workspace.rep)
    raw = (DATA / "reply.eml").read_bytes().replace(b"{in_reply_to}", b"<x@example.com>")
    response = client.post("/campaigns/inbox/upload/", {"eml": [
        SimpleUploadedFile("reply.eml", raw, content_type="message/rfc822"),
        SimpleUploadedFile("again.eml", raw, content_type="message/rfc822"),
    ]})  # fmt: skip
    assert response.status_code == 200
    assert (
        b"message logged for Ana Souza" in response.content
        and b"already logged" in response.content
    )
    assert InboundEmail.objects.count() == 1
