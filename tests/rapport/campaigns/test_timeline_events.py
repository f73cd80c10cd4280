"""E-mails reach the timeline through their events: a single e-mail in its sending
transaction (``email.sent``), a campaign's batches after commit (``campaign_recipient.sent``,
delivered once however often the dispatcher runs)."""

from __future__ import annotations

from typing import Any

from rapport.activities.models import Activity, ActivityLink
from rapport.campaigns.models import CampaignRecipient, OutboundEmail, RecipientStatus
from rapport.campaigns.services.campaigns import campaign_create, campaign_schedule
from rapport.campaigns.services.single import email_queue
from rapport.campaigns.services.templates import template_create
from rapport.core.events import dispatch_events
from rapport.core.models import EventCursor, OutboxEvent


def _template(actor: Any, kind: str) -> Any:
    return template_create(actor=actor, data={
        "name": f"Hello {kind}", "kind": kind, "subject": "Hi {{ person.first_name }}",
        "body_text": "Dear {{ person.first_name }}",
    })  # fmt: skip


def test_a_sent_email_is_on_the_timeline_with_its_event(
    smtp_sink: Any, workspace: Any, make_person: Any
) -> None:
    ana = make_person(emails=["ana@example.com"], email_consent="granted")
    template = _template(workspace.rep, "marketing")
    message = email_queue(actor=workspace.rep, person=ana, data={"template_id": template.pk})
    message = OutboundEmail.objects.get(pk=message.pk)
    (event,) = OutboxEvent.objects.filter(name="email.sent")
    assert event.entity_ids == [message.pk] and event.actor_id == workspace.rep.pk
    (entry,) = Activity.objects.filter(kind="email_out")
    assert entry.actor_id == workspace.rep.pk and entry.subject == "Hi Ana"
    assert entry.occurred_at == message.sent_at
    assert entry.metadata == {"message_id": message.message_id, "outbound_email_id": message.pk,
                              "to": "ana@example.com"}  # fmt: skip
    assert ActivityLink.objects.filter(activity=entry, person=ana).exists()


def test_campaign_sends_reach_the_timeline_once_after_commit(
    smtp_sink: Any, workspace: Any, make_person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = [make_person(first_name=f"P{i}", emails=[f"p{i}@example.com"],
                          email_consent="granted") for i in range(3)]  # fmt: skip
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Spring", "template_id": _template(workspace.manager, "marketing").pk,
        "audience_kind": "static", "person_ids": [p.pk for p in people],
    })  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(actor=workspace.manager, campaign=campaign)
    sent = set(
        CampaignRecipient.objects.filter(
            campaign=campaign, status=RecipientStatus.SENT
        ).values_list("pk", flat=True)
    )
    (event,) = OutboxEvent.objects.filter(name="campaign_recipient.sent")
    assert set(event.entity_ids) == sent and len(sent) == 3
    assert ActivityLink.objects.filter(kind="campaign_send").count() == 3
    assert (
        EventCursor.objects.get(consumer="campaigns.campaign_sends_timeline").last_event_id
        == event.pk
    )
    # The dispatcher running again (the periodic job) writes nothing twice
    dispatch_events()
    assert ActivityLink.objects.filter(kind="campaign_send").count() == 3
