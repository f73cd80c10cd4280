"""E-mails on the people's timelines, written as the e-mail events happen (domain events).

- ``email.sent`` (a single e-mail handed over) and ``email.received`` (a message logged):
  in the sending / logging transaction, so the timeline never lacks an e-mail the
  e-mail panel shows.
- ``campaign_recipient.sent`` (one batch of a campaign): after commit, by the worker. The
  send loop does not wait for the entries (as before, when a job wrote them); each is
  keyed by its Message-ID, so writing one twice is a no-op.
"""

from __future__ import annotations

from collections import defaultdict

from rapport.core.events import subscribe
from rapport.core.models import OutboxEvent


def sent_email_timeline(event: OutboxEvent) -> None:
    from rapport.campaigns.models import OutboundEmail
    from rapport.campaigns.timeline import EMAIL_OUT, record_email

    sent = OutboundEmail.objects.filter(pk__in=event.entity_ids).select_related("person", "sender")
    for message in sent:
        record_email(kind=EMAIL_OUT, actor=message.sender, subject=message.subject,
                     body=message.body_text, people=[message.person], message_id=message.message_id,
                     occurred_at=message.sent_at,
                     metadata={"outbound_email_id": message.pk, "to": message.to_address})  # fmt: skip


def received_email_timeline(event: OutboxEvent) -> None:
    from rapport.campaigns.models import InboundEmail
    from rapport.campaigns.timeline import EMAIL_IN, record_email

    received = (
        InboundEmail.objects.filter(pk__in=event.entity_ids, is_bounce=False)
        .select_related("logged_by")
        .prefetch_related("people")
    )
    for inbound in received:
        record_email(kind=EMAIL_IN, actor=inbound.logged_by, subject=inbound.subject,
                     body=inbound.body_text, people=list(inbound.people.all()),
                     message_id=inbound.message_id, occurred_at=inbound.received_at,
                     metadata={"inbound_email_id": inbound.pk, "from": inbound.from_address})  # fmt: skip


def campaign_sends_timeline(event: OutboxEvent) -> None:
    from rapport.campaigns.models import CampaignRecipient
    from rapport.campaigns.services.inbound import record_campaign_sends

    by_campaign: dict[int, list[int]] = defaultdict(list)
    rows = CampaignRecipient.objects.filter(pk__in=event.entity_ids)
    for pk, campaign_id in rows.values_list("pk", "campaign_id"):
        by_campaign[campaign_id].append(pk)
    for campaign_id, recipient_ids in by_campaign.items():
        record_campaign_sends(campaign_id, recipient_ids)


def connect() -> None:
    subscribe("email.sent", sent_email_timeline, phase="in_transaction")
    subscribe("email.received", received_email_timeline, phase="in_transaction")
    subscribe("campaign_recipient.sent", campaign_sends_timeline, phase="after_commit",
              consumer="campaigns.campaign_sends_timeline")  # fmt: skip
