"""One e-mail to one person: compose (with a preview), queue, and deliver in the worker."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport.accounts.access import can_edit, require_writer
from rapport.accounts.access_campaigns import templates_usable
from rapport.accounts.models import User
from rapport.campaigns import conf, merge_fields
from rapport.campaigns.mailer import (
    Content,
    Rendered,
    build_email,
    new_message_id,
    people_for_rendering,
    render_for,
    unsubscribe_url,
)
from rapport.campaigns.models import EmailTemplate, MessageStatus, OutboundEmail, TemplateKind
from rapport.campaigns.services.templates import person_custom_keys
from rapport.core.errors import PermissionDenied, ValidationFailed
from rapport.core.events import emit
from rapport.people.models import ConsentStatus, Person

log = logging.getLogger(__name__)


class NotYetVisible(Exception):
    """The job ran before the transaction that queued the message committed: retry."""


def _content(actor: User, data: Mapping[str, Any]) -> tuple[Content, str, EmailTemplate | None]:
    """The content to send: a template ``actor`` may see (by id), or a message written on
    the spot."""
    template_id = data.get("template_id")
    if template_id:
        template = templates_usable(actor).filter(pk=template_id).first()
        if template is None:
            raise ValidationFailed(
                {"template_id": ["No template with that id, or you may not see it."]}
            )
        return (
            Content(template.subject, template.body_text, template.body_html),
            template.kind,
            template,
        )
    errors: dict[str, list[str]] = {}
    subject = merge_fields.single_line(str(data.get("subject") or ""))[:300]
    body = str(data.get("body_text") or "").replace("\r\n", "\n")
    kind = str(data.get("kind") or TemplateKind.TRANSACTIONAL)
    if not subject:
        errors["subject"] = ["Write a subject, or choose a template."]
    if not body.strip():
        errors["body_text"] = ["Write a message, or choose a template."]
    if kind not in TemplateKind.values:
        errors["kind"] = [f"Must be one of: {', '.join(TemplateKind.values)}."]
    keys = person_custom_keys()
    for field, text in (("subject", subject), ("body_text", body)):
        problems = merge_fields.template_errors(text, custom_keys=keys)
        if problems:
            errors.setdefault(field, []).extend(problems)
    if errors:
        raise ValidationFailed(errors)
    return Content(subject, body), kind, None


def consent_problem(person: Person, kind: str) -> str | None:
    """Why ``person`` may not get an e-mail of ``kind`` now, or None."""
    if not person.email:
        return "This person has no e-mail address."
    if person.deleted_at is not None:
        return "This person is in the trash."
    if kind == TemplateKind.MARKETING and person.email_consent != ConsentStatus.GRANTED:
        return (
            "No marketing e-mail without opt-in: this person's consent is "
            + (person.get_email_consent_display().lower())
            + "."
        )
    return None


def email_preview(
    *, actor: User, person: Person, data: Mapping[str, Any]
) -> tuple[Rendered, str | None]:
    """What ``person`` would receive, and why it cannot be sent (None if it can)."""
    content, kind, _ = _content(actor, data)
    person = people_for_rendering(Person.objects.filter(pk=person.pk)).get()
    unsubscribe = unsubscribe_url(person_id=person.pk) if kind == TemplateKind.MARKETING else None
    return render_for(content, person, unsubscribe=unsubscribe), consent_problem(person, kind)


def email_queue(*, actor: User, person: Person, data: Mapping[str, Any]) -> OutboundEmail:
    """Render and store the e-mail, then hand it to the worker."""
    require_writer(actor)
    if not can_edit(actor, person):
        raise PermissionDenied("You may not e-mail this person.")
    with transaction.atomic():
        rendered, problem = email_preview(actor=actor, person=person, data=data)
        if problem:
            raise ValidationFailed({"__all__": [problem]})
        _, kind, template = _content(actor, data)
        message = OutboundEmail.objects.create(
            person=person, sender=actor, template=template, kind=kind, to_address=person.email,
            subject=rendered.subject, body_text=rendered.body_text, body_html=rendered.body_html,
            message_id=new_message_id(),
        )  # fmt: skip
    from rapport.campaigns.tasks import deliver_email

    deliver_email(message.pk)
    return message


# After a temporary refusal (4xx, server unreachable) the worker tries again after these
# waits, in seconds; when they run out the e-mail fails with the last reason.
RETRY_DELAYS = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A retry whose job was lost (a worker stopped between marking and scheduling it) is
# queued again by the minute tick once it is this late.
RETRY_LOST_AFTER = timedelta(minutes=15)


class RetryLater(Exception):
    """The mail server refused for now: the message is queued again, to be tried in ``delay``
    seconds (the task turns this into a huey retry)."""

    def __init__(self, message_pk: int, delay: int) -> None:
        super().__init__(f"e-mail {message_pk}: try again in {delay}s")
        self.delay = delay


# How a hand-off went wrong: nothing was handed over and trying again may work; nothing was
# handed over and trying again will not; or the server may have taken it (never resent).
TEMPORARY, PERMANENT, UNKNOWN = "temporary", "permanent", "unknown"


def _refusal(exc: Exception) -> tuple[str, str]:
    """(kind, reason) for an SMTP reply refusing the message: 4xx temporary, 5xx permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        code = max((int(c) for c, _ in replies), default=550)
        text = "; ".join(_text(m) for _, m in replies)
    else:
        assert isinstance(exc, smtplib.SMTPResponseException)
        code, text = int(exc.smtp_code), _text(exc.smtp_error)
    kind = TEMPORARY if 400 <= code < 500 else PERMANENT
    return kind, f"The mail server answered {code} {text}".strip()[:2000]


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _hand_over(email: EmailMultiAlternatives) -> tuple[str, str] | None:
    """Give ``email`` to the SMTP server: None when it took it, else (kind, reason)."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
        return _refusal(exc)  # e.g. 421 busy, 535 bad credentials
    except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, dropped: not sent
        return TEMPORARY, f"Could not reach the mail server: {type(exc).__name__}: {exc}"[:2000]
    try:
        email.connection = connection
        email.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
        return _refusal(exc)
    except (OSError, smtplib.SMTPException) as exc:
        # Cut off mid-conversation: the server may have kept the message.
        return UNKNOWN, (
            f"The connection failed while handing the e-mail over ({type(exc).__name__}: "
            f"{exc}); it may have been delivered, so it was not sent again."
        )[:2000]
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):  # the message was already answered
            log.info("closing the SMTP connection failed", exc_info=True)
    return None


def email_deliver(message_pk: int) -> str:
    """Send one queued e-mail. Safe to run twice: only the run that claims it sends it.

    A temporary refusal puts it back in the queue and raises ``RetryLater``; a permanent
    one fails it with the server's reason. Once claimed ``sending`` it is only queued
    again when the server clearly did not take it (ADR 0012).
    """
    message = OutboundEmail.objects.select_related("person", "sender").filter(pk=message_pk).first()
    if message is None:
        raise NotYetVisible(message_pk)
    claimed = OutboundEmail.objects.filter(pk=message_pk, status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return message.status
    attempt = message.attempts + 1
    mine = OutboundEmail.objects.filter(pk=message_pk, status=MessageStatus.SENDING)
    problem = consent_problem(message.person, message.kind)
    if problem:  # consent withdrawn (or person deleted) since the message was queued
        mine.update(status=MessageStatus.FAILED, error=problem, next_attempt_at=None)
        return MessageStatus.FAILED
    unsubscribe = (
        unsubscribe_url(person_id=message.person_id)
        if message.kind == TemplateKind.MARKETING
        else None
    )
    rendered = Rendered(message.subject, message.body_text, message.body_html)
    email = build_email(to=message.to_address, rendered=rendered, message_id=message.message_id,
                        unsubscribe=unsubscribe)  # fmt: skip
    failure = _hand_over(email)
    if failure is not None:
        kind, reason = failure
        log.warning("sending e-mail %s (attempt %s) failed: %s", message_pk, attempt, reason)
        if kind == TEMPORARY and attempt < MAX_ATTEMPTS:
            delay = RETRY_DELAYS[attempt - 1]
            mine.update(status=MessageStatus.QUEUED, claimed_at=None, error=reason,
                        next_attempt_at=timezone.now() + timedelta(seconds=delay))  # fmt: skip
            raise RetryLater(message_pk, delay)
        if kind == TEMPORARY:
            reason = f"{reason} (gave up after {attempt} attempts)"
        mine.update(status=MessageStatus.FAILED, error=reason, next_attempt_at=None)
        return MessageStatus.FAILED
    with transaction.atomic():  # the timeline entry (campaigns' subscriber) commits with it
        mine.update(status=MessageStatus.SENT, sent_at=timezone.now(), error="",
                    next_attempt_at=None)  # fmt: skip
        emit("email.sent", entity_type="outbound_email", entity_ids=[message.pk],
             actor=message.sender, fields=["status", "sent_at"])  # fmt: skip
    return MessageStatus.SENT


def emails_with_lost_retries() -> list[int]:
    """Queued e-mails whose retry is long overdue: their job was lost, queue them again."""
    cutoff = timezone.now() - RETRY_LOST_AFTER
    return list(
        OutboundEmail.objects.filter(
            status=MessageStatus.QUEUED, next_attempt_at__lt=cutoff
        ).values_list("pk", flat=True)[:1000]
    )


def recover_interrupted_emails() -> int:
    """E-mails left "sending" by a worker that stopped: they may have gone out, so they are
    marked failed with the reason and never sent again automatically."""
    cutoff = timezone.now() - timedelta(seconds=conf.LEASE_SECONDS)
    return OutboundEmail.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=cutoff).update(
        status=MessageStatus.FAILED,
        error="The worker stopped while handing this e-mail to the mail server; it may have "
        "been delivered, so it was not sent again.",
    )
