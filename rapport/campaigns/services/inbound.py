"""Incoming mail: log it to the people it concerns, recognise bounces and replies.

A message is matched to people by its From, To and Cc addresses against every
e-mail address stored for a person. It is stored once per Message-ID, so the
same message from IMAP, an upload and the command is logged once.

Whoever uploads a message (``actor``) only reaches what they may see: it is logged
to the people they may see (others are left out as if their address were unknown),
a bounce marks only sends to those people, and the timeline entry names the
uploader. The mailbox poll and the command run as the system and match everyone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.campaigns.models import (
    Campaign,
    CampaignRecipient,
    InboundEmail,
    MessageStatus,
    OutboundEmail,
    RecipientStatus,
)
from rapport.campaigns.services.audience import sender_of
from rapport.campaigns.timeline import CAMPAIGN_SEND, record_email
from rapport.core.events import emit
from rapport.core.text import clean_text, strip_nul
from rapport.people.models import Person, PersonEmail

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
BODY_LIMIT = 100_000


@dataclass
class Parsed:
    message_id: str
    from_address: str
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    date: datetime
    in_reply_to: str
    references: list[str]
    bounce: Bounce | None = None


@dataclass
class Bounce:
    original_message_id: str
    recipients: list[str] = field(default_factory=list)
    detail: str = ""


def _addresses(msg: Message, header: str) -> list[str]:
    values = [str(v) for v in msg.get_all(header, [])]
    return [addr.strip().lower() for _, addr in getaddresses(values) if "@" in addr]


def _text_body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return str(text)[:BODY_LIMIT]


def _bounce(msg: EmailMessage) -> Bounce | None:
    """A delivery status notification (RFC 3464): which message failed, for whom, why."""
    if (
        msg.get_content_type() != "multipart/report"
        or msg.get_param("report-type") != "delivery-status"
    ):
        return None
    bounce = Bounce(original_message_id="")
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in part.get_payload():
                if not isinstance(block, Message):
                    continue
                action = str(block.get("Action", "")).strip().lower()
                recipient = str(
                    block.get("Final-Recipient") or block.get("Original-Recipient") or ""
                )
                if action and action != "failed":
                    continue
                if recipient:
                    bounce.recipients.append(recipient.split(";", 1)[-1].strip().lower())
                detail = str(block.get("Diagnostic-Code") or block.get("Status") or "")
                if detail:
                    bounce.detail = " ".join(detail.split())[:300]
        elif ctype in ("message/rfc822", "text/rfc822-headers") and not bounce.original_message_id:
            inner: Any = part.get_payload()
            if isinstance(inner, list) and inner:
                inner = inner[0]
            if isinstance(inner, str):
                inner = message_from_bytes(inner.encode("utf-8", "replace"), policy=policy.default)
            if isinstance(inner, Message):
                bounce.original_message_id = str(inner.get("Message-ID", "")).strip()
    return bounce if bounce.recipients or bounce.original_message_id else None


def parse(raw: bytes) -> Parsed:
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    message_id = str(msg.get("Message-ID", "")).strip()
    if not MESSAGE_ID.fullmatch(message_id):
        # No (usable) Message-ID: one derived from the bytes keeps re-imports idempotent.
        message_id = f"<sha256.{hashlib.sha256(raw).hexdigest()}@rapport.invalid>"
    try:
        date = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else timezone.now()
        if timezone.is_naive(date):
            date = timezone.make_aware(date, timezone.get_current_timezone())
    except (TypeError, ValueError):
        date = timezone.now()
    from_list = _addresses(msg, "From")
    return Parsed(
        message_id=message_id[:255], from_address=from_list[0] if from_list else "",
        to=_addresses(msg, "To"), cc=_addresses(msg, "Cc"),
        subject=clean_text(str(msg.get("Subject", "")))[:300], body=strip_nul(_text_body(msg)),
        date=date,
        in_reply_to=str(msg.get("In-Reply-To", "")).strip()[:255],
        references=MESSAGE_ID.findall(str(msg.get("References", ""))), bounce=_bounce(msg),
    )  # fmt: skip


def _people(user: User | None) -> QuerySet[Person]:
    """Everyone alive (the system), or the people ``user`` may see."""
    people = Person.objects.alive()
    return people if user is None else visible_to(people, user)


def people_for_addresses(addresses: Iterable[str], *, user: User | None = None) -> list[Person]:
    wanted = sorted({a.lower() for a in addresses if a})
    if not wanted:
        return []
    ids = set(PersonEmail.objects.filter(email__in=wanted).values_list("person_id", flat=True))
    return list(_people(user).filter(pk__in=ids).order_by("pk"))


def _record_bounce(bounce: Bounce, *, user: User | None) -> None:
    now = timezone.now()
    recipients = CampaignRecipient.objects.all()
    outbound = OutboundEmail.objects.all()
    if user is not None:  # an upload: only sends to people the uploader may see
        visible = _people(user).values("pk")
        recipients = recipients.filter(person__in=visible)
        outbound = outbound.filter(person__in=visible)
    if bounce.original_message_id:
        recipients.filter(message_id=bounce.original_message_id).update(
            status=RecipientStatus.BOUNCED, error=bounce.detail or "Bounced.", updated_at=now
        )
        outbound.filter(message_id=bounce.original_message_id).update(
            status=MessageStatus.BOUNCED, bounced_at=now, error=bounce.detail or "Bounced."
        )
        return
    # No copy of the original: the latest message sent to each failed address.
    for address in bounce.recipients:
        latest = outbound.filter(to_address__iexact=address, status=MessageStatus.SENT).first()
        if latest is not None:
            OutboundEmail.objects.filter(pk=latest.pk).update(
                status=MessageStatus.BOUNCED, bounced_at=now, error=bounce.detail or "Bounced."
            )
        recipient = (
            recipients.filter(email__iexact=address, status=RecipientStatus.SENT)
            .order_by("-sent_at").first()
        )  # fmt: skip
        if recipient is not None:
            CampaignRecipient.objects.filter(pk=recipient.pk).update(
                status=RecipientStatus.BOUNCED, error=bounce.detail or "Bounced.", updated_at=now
            )


def _record_reply(parsed: Parsed, people: Sequence[Person]) -> None:
    """A campaign recipient who answers the campaign's e-mail is marked as having replied."""
    referenced = {parsed.in_reply_to, *parsed.references} - {""}
    if not referenced or not people:
        return
    CampaignRecipient.objects.filter(
        message_id__in=referenced,
        person__in=people,
        status__in=[RecipientStatus.SENT, RecipientStatus.UNCONFIRMED],
    ).update(status=RecipientStatus.REPLIED, updated_at=timezone.now())


def ingest(raw: bytes, *, source: str, actor: User | None = None) -> tuple[InboundEmail, bool]:
    """Log one message (RFC 5322 bytes). Returns the row and whether it was new.

    With ``actor`` (an upload), only the people and sends ``actor`` may see are touched."""
    parsed = parse(raw)
    existing = InboundEmail.objects.filter(message_id=parsed.message_id).first()
    if existing is not None:
        return existing, False
    user = actor if actor is not None and actor.pk is not None else None
    if parsed.bounce is not None:
        people = people_for_addresses(parsed.bounce.recipients, user=user)
    else:
        people = people_for_addresses([parsed.from_address, *parsed.to, *parsed.cc], user=user)
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                message_id=parsed.message_id, from_address=parsed.from_address[:254],
                to_addresses=", ".join(parsed.to), cc_addresses=", ".join(parsed.cc),
                subject=parsed.subject, body_text=parsed.body, received_at=parsed.date,
                in_reply_to=parsed.in_reply_to, references=" ".join(parsed.references), source=source,
                is_bounce=parsed.bounce is not None,
                bounce_detail=parsed.bounce.detail if parsed.bounce else "",
                logged_by=user,
            )  # fmt: skip
            inbound.people.set(people)
            if parsed.bounce is not None:
                _record_bounce(parsed.bounce, user=user)
            else:
                senders = people_for_addresses([parsed.from_address], user=user)
                _record_reply(parsed, senders)
            # A reply goes on the people's timelines (campaigns' subscriber, in this
            # transaction); a bounce does not.
            emit("email.received", entity_type="inbound_email", entity_ids=[inbound.pk],
                 actor=user)  # fmt: skip
    except IntegrityError:  # the same message, ingested at the same moment elsewhere
        return InboundEmail.objects.get(message_id=parsed.message_id), False
    return inbound, True


def record_campaign_sends(campaign_id: int, recipient_ids: list[int]) -> int:
    campaign = (
        Campaign.objects.select_related("template", "created_by", "owner", "scheduled_by")
        .defer("static_person_ids")  # up to a million ids: never needed here
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        return 0
    rows = CampaignRecipient.objects.filter(pk__in=recipient_ids, campaign_id=campaign_id)
    count = 0
    for row in rows.select_related("person"):
        record_email(
            kind=CAMPAIGN_SEND, actor=sender_of(campaign), subject=f"Campaign: {campaign.name}",
            body=campaign.template.subject, people=[row.person], message_id=row.message_id,
            occurred_at=row.sent_at, metadata={"campaign_id": campaign_id, "to": row.email},
        )  # fmt: skip
        count += 1
    return count
