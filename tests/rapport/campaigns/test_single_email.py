"""One e-mail to one person, through a real SMTP server on loopback."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client

from rapport.activities.models import ActivityLink
from rapport.campaigns.models import MessageStatus, OutboundEmail, TemplateKind
from rapport.campaigns.services.single import email_queue
from rapport.campaigns.services.templates import template_create
from rapport.core.errors import PermissionDenied, ValidationFailed
from rapport.core.models import AuditEvent
from rapport.people.models import ConsentStatus


@pytest.fixture
def ana(make_person: Any, make_org: Any, workspace: Any) -> Any:
    org = make_org(name="Acme Bakery")
    return make_person(
        first_name="Ana", last_name="Souza", emails=["ana@example.com"], email_consent="granted",
        organizations=[{"organization_id": org.pk, "role": "CTO"}],
    )  # fmt: skip


def test_a_template_arrives_merged_with_headers_and_a_working_unsubscribe_link(
    smtp_sink: Any, workspace: Any, ana: Any, client: Client
) -> None:
    # Given a marketing template with merge fields
    template = template_create(actor=workspace.rep, data={
        "name": "Hello", "kind": "marketing", "subject": "Hi {{ person.first_name }} at {{ organization.name }}",
        "body_text": "Dear {{ person.full_name }},\nYour contact is {{ owner.display_name }}.",
        "body_html": "<p>Hi {{ person.first_name }}</p>",
    })  # fmt: skip
    # When rick sends it to Ana (the worker runs inline in tests)
    message = email_queue(actor=workspace.rep, person=ana, data={"template_id": template.pk})
    # Then the SMTP server got it once, merged, with its Message-ID and unsubscribe headers
    (received,) = smtp_sink.to("ana@example.com")
    mail = received.message
    assert mail["Subject"] == "Hi Ana at Acme Bakery"
    assert "Dear Ana Souza," in received.text() and "Your contact is rick." in received.text()
    html = mail.get_body(preferencelist=("html",))
    assert html is not None and "<p>Hi Ana</p>" in html.get_content()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and mail["Message-ID"] == message.message_id
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip().strip("<>")
    assert link in received.text()
    # And it is on Ana's timeline
    assert ActivityLink.objects.filter(person=ana, kind="email_out").count() == 1
    # When Ana follows the link (no login) and confirms
    assert client.get(urlparse(link).path).status_code == 200
    response = client.post(urlparse(link).path)
    # Then her consent is withdrawn, by the unsubscribe link, with an audit event
    assert response.status_code == 200 and b"unsubscribed" in response.content
    ana.refresh_from_db()
    assert ana.email_consent == ConsentStatus.WITHDRAWN
    assert ana.email_consent_method == "unsubscribe link"
    assert AuditEvent.objects.filter(entity_type="person", entity_id=ana.pk,
                                     changes__has_key="email_consent").exists()  # fmt: skip
    # And the one-click POST a mail app sends works as well (and changes nothing more)
    assert client.post(urlparse(link).path, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_merged_values_are_values_not_code(
    smtp_sink: Any, workspace: Any, make_person: Any
) -> None:
    # Given a person whose name looks like markup and template code
    person = make_person(first_name="<b>{{ owner.email }}</b>", emails=["x@example.com"])
    template = template_create(actor=workspace.rep, data={
        "name": "T", "kind": "transactional", "subject": "Re: {{ person.first_name }}",
        "body_text": "{{ person.first_name }}", "body_html": "<p>{{ person.first_name }}</p>",
    })  # fmt: skip
    email_queue(actor=workspace.rep, person=person, data={"template_id": template.pk})
    (received,) = smtp_sink.received
    # Then the value is inserted as it is (never evaluated), and escaped in HTML
    assert received.text().startswith("<b>{{ owner.email }}</b>")
    html = received.message.get_body(preferencelist=("html",))
    assert html is not None
    assert "&lt;b&gt;{{ owner.email }}&lt;/b&gt;" in html.get_content()
    # And a transactional e-mail has no unsubscribe header
    assert received.message["List-Unsubscribe"] is None


def test_unknown_merge_fields_are_refused_when_the_template_is_saved(workspace: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        template_create(actor=workspace.rep, data={
            "name": "Bad", "kind": "marketing", "subject": "{{ person.password }}",
            "body_text": "{{ person.__class__ }} {% load x %} {{ custom.nope }}",
        })  # fmt: skip
    detail = caught.value.detail
    assert isinstance(detail, dict)
    assert "subject" in detail and "body_text" in detail
    assert any("custom.nope" in m for m in detail["body_text"])


@pytest.mark.parametrize("consent", ["unknown", "declined", "withdrawn"])
def test_no_marketing_email_without_opt_in(
    smtp_sink: Any, workspace: Any, make_person: Any, consent: str
) -> None:
    person = make_person(emails=["no@example.com"], email_consent=consent)
    data = {"kind": TemplateKind.MARKETING, "subject": "Offer", "body_text": "Buy"}
    with pytest.raises(ValidationFailed):
        email_queue(actor=workspace.rep, person=person, data=data)
    # but a transactional message is allowed
    email_queue(actor=workspace.rep, person=person, data={**data, "kind": "transactional"})
    assert len(smtp_sink.received) == 1
    assert OutboundEmail.objects.get().kind == "transactional"


def test_consent_withdrawn_after_queueing_stops_the_send(
    smtp_sink: Any, workspace: Any, ana: Any
) -> None:
    from rapport.campaigns.services.single import email_deliver

    message = OutboundEmail.objects.create(
        person=ana, sender=workspace.rep, kind="marketing", to_address=ana.email, subject="S",
        body_text="B", message_id="<m1@example.com>",
    )  # fmt: skip
    type(ana).objects.filter(pk=ana.pk).update(email_consent="withdrawn")
    assert email_deliver(message.pk) == MessageStatus.FAILED
    assert smtp_sink.received == []
    # and running the job again does not send it either
    assert email_deliver(message.pk) == MessageStatus.FAILED


def test_only_people_you_may_edit_can_be_emailed(smtp_sink: Any, workspace: Any, ana: Any) -> None:
    for user in (workspace.viewer, workspace.other_rep):
        with pytest.raises(PermissionDenied):
            email_queue(actor=user, person=ana, data={"subject": "x", "body_text": "y"})
    assert smtp_sink.received == []


def test_an_unreachable_mail_server_is_tried_again_later(
    settings: Any, workspace: Any, ana: Any
) -> None:
    from tests.rapport.campaigns.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = email_queue(actor=workspace.rep, person=ana, data={"subject": "x", "body_text": "y"})
    message.refresh_from_db()
    # (retries until it gives up: test_single_retry.py)
    assert message.status == MessageStatus.QUEUED and "Connection" in message.error
    assert message.attempts == 1 and message.next_attempt_at is not None
