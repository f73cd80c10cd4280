"""Sending a campaign in the worker, so that nobody ever gets it twice.

The guarantee rests on three things:

1. One ``CampaignRecipient`` row per (campaign, person), unique in the database:
   the audience can be added twice (a restart) without adding anyone twice.
2. Every message is *claimed* before it is handed to the SMTP server: its row goes
   ``claimed → sending`` in a conditional UPDATE that commits on its own. Only the
   run whose UPDATE changed the row sends it, so two runs (a retried job, a second
   worker) cannot both send it; the committed claim survives the worker being killed.
   (The batch is first claimed ``queued → claimed`` in one durable commit; the
   per-message claims are committed cheaply: ``durability`` explains why that is safe.)
3. After the hand-off the row goes ``sending → sent`` (in bulk, at most half a second
   or a hundred messages later). A worker killed in between leaves rows in ``sending``:
   the mail server may or may not have them. They are **never sent again**; the next
   run marks them ``unconfirmed``. Re-sending would risk a duplicate; not re-sending
   risks, at worst, the one message in flight when the worker died (the others left in
   ``sending`` did go out). "Never twice" beats "always once" for marketing mail.

A run holds a lease on the campaign (renewed every batch) so only one run sends a
campaign at a time; a run on the same machine takes over at once from a holder whose
process is gone, and anyone may take over once the lease lapses.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone

from rapport.campaigns import conf
from rapport.campaigns.mailer import (
    Content,
    campaign_message_id,
    campaign_mime,
    envelope_sender,
    people_for_rendering,
    render_for,
    unsubscribe_url,
)
from rapport.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from rapport.campaigns.services import durability
from rapport.campaigns.services.audience import materialize_audience
from rapport.campaigns.services.single import consent_problem
from rapport.people.models import Person

log = logging.getLogger(__name__)
RUNNING = (CampaignStatus.SCHEDULED, CampaignStatus.SENDING)
UNCONFIRMED_NOTE = (
    "The worker stopped while handing this e-mail to the mail server; it may have been "
    "delivered, so it is not sent again."
)


def worker_id() -> str:
    """host:pid:thread:epoch (see ``durability``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{durability.epoch()}"


def _owner_epoch(owner: str) -> str:
    parts = owner.split(":", 3)
    return parts[3] if len(parts) == 4 else "unknown"


def _holder_gone(owner: str) -> bool:
    """True when the lease holder ran on this machine and its process no longer exists."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _acquire(campaign_id: int, me: str) -> tuple[Campaign, str] | None:
    """Take the campaign's lease; returns it with the previous holder (or "")."""
    now = timezone.now()
    campaign = Campaign.objects.filter(pk=campaign_id, status__in=RUNNING).first()
    if campaign is None or (campaign.scheduled_at and campaign.scheduled_at > now):
        return None
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=me)
    if campaign.lease_owner and campaign.lease_owner != me and _holder_gone(campaign.lease_owner):
        free |= Q(lease_owner=campaign.lease_owner)
    got = (
        Campaign.objects.filter(pk=campaign_id, status__in=RUNNING)
        .filter(free)
        .update(lease_owner=me, lease_until=now + timedelta(seconds=conf.LEASE_SECONDS))
    )
    if not got:
        return None
    return Campaign.objects.select_related("template", "created_by").get(pk=campaign_id), (
        campaign.lease_owner if campaign.lease_owner != me else ""
    )


def _renew(campaign_id: int, me: str) -> bool:
    until = timezone.now() + timedelta(seconds=conf.LEASE_SECONDS)
    return bool(
        Campaign.objects.filter(
            pk=campaign_id, lease_owner=me, status=CampaignStatus.SENDING
        ).update(lease_until=until)
    )


class _Pacer:
    """Spaces hand-offs to the configured messages per minute (0: no spacing)."""

    def __init__(self, per_minute: int) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


def _update_many(ids: Sequence[int], expected: str, **values: object) -> None:
    for start in range(0, len(ids), 500):
        CampaignRecipient.objects.filter(pk__in=ids[start : start + 500], status=expected).update(
            updated_at=timezone.now(), **values
        )


class _SentMarks:
    """Records hand-offs as sent in bulk: every FLUSH_EVERY messages or FLUSH_SECONDS, so a
    killed worker leaves few rows "unconfirmed" that actually went out, while a fast send
    still costs one UPDATE per hundred messages rather than one per message."""

    FLUSH_EVERY = 100
    FLUSH_SECONDS = 0.5

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.all: list[int] = []
        self.flushed_at = time.monotonic()

    def add(self, recipient_id: int) -> None:
        self.pending.append(recipient_id)
        if (
            len(self.pending) >= self.FLUSH_EVERY
            or time.monotonic() - self.flushed_at >= self.FLUSH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        if self.pending:
            _update_many(self.pending, RecipientStatus.SENDING, status=RecipientStatus.SENT,
                         sent_at=timezone.now())  # fmt: skip
            self.all += self.pending
            self.pending = []
        self.flushed_at = time.monotonic()


# The table name is the model's own; every value is a bound parameter.
CLAIM_SQL = (
    f"UPDATE {CampaignRecipient._meta.db_table} SET status = %s, email = %s, updated_at = %s "  # noqa: S608
    "WHERE id = %s AND status = %s"
)


def _claim(recipient_id: int, email: str) -> bool:
    """``claimed → sending`` for one row; True if this run won it. Plain SQL: it runs once
    per e-mail, and the ORM's query building cost as much as the commit."""
    with db_connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [RecipientStatus.SENDING, email, timezone.now(), recipient_id,
                                   RecipientStatus.CLAIMED])  # fmt: skip
        return cursor.rowcount == 1


def _send_batch(
    campaign: Campaign, content: Content, rows: list[tuple[int, int]], pacer: _Pacer
) -> list[int]:
    """Claim and hand over one batch on one SMTP connection. Returns the ids sent."""
    people = {
        p.pk: p
        for p in people_for_rendering(Person.objects.filter(pk__in=[pid for _, pid in rows]))
    }
    sent = _SentMarks()
    failed: dict[str, list[int]] = defaultdict(list)
    skipped: dict[str, list[int]] = defaultdict(list)
    kind = campaign.template.kind
    to_send: list[tuple[int, Person]] = []
    for recipient_id, person_id in rows:
        person = people.get(person_id)
        problem = consent_problem(person, kind) if person else "Person deleted."
        if problem or person is None:
            skipped[problem or "Person deleted."].append(recipient_id)
        else:
            to_send.append((recipient_id, person))
    # One durable commit claims the batch; each message's own claim below is relaxed.
    _update_many([r for r, _ in to_send], RecipientStatus.QUEUED, status=RecipientStatus.CLAIMED)
    connection: Any = get_connection(fail_silently=False)
    sender = envelope_sender()
    try:
        with durability.relaxed_commits():
            for recipient_id, person in to_send:
                pacer.wait()
                claimed = _claim(recipient_id, person.email)
                if not claimed:  # another run has it: leave it alone
                    continue
                if connection.connection is None:  # one connection for the batch
                    connection.open()
                link = unsubscribe_url(person_id=person.pk, campaign_id=campaign.pk)
                data = campaign_mime(
                    to=person.email, rendered=render_for(content, person, unsubscribe=link),
                    message_id=campaign_message_id(campaign_id=campaign.pk, person_id=person.pk),
                    unsubscribe=link,
                )  # fmt: skip
                try:
                    connection.connection.sendmail(sender, [person.email], data)
                except Exception as exc:  # refused, disconnected: not delivered
                    failed[f"{type(exc).__name__}: {exc}"[:500]].append(recipient_id)
                    connection.close()  # reopened for the next message
                else:
                    sent.add(recipient_id)
            sent.flush()
    finally:
        connection.close()
        sent.flush()
        for error, ids in failed.items():
            _update_many(ids, RecipientStatus.SENDING, status=RecipientStatus.FAILED, error=error)
        for reason, ids in skipped.items():
            _update_many(ids, RecipientStatus.QUEUED, status=RecipientStatus.SKIPPED, error=reason)
    return sent.all


def _recover(campaign_id: int, previous_owner: str) -> None:
    """Rows a stopped runner left behind: see the module and ``durability`` docstrings."""
    now = timezone.now()
    rows = CampaignRecipient.objects.filter(campaign_id=campaign_id)
    unconfirmed = rows.filter(status=RecipientStatus.SENDING).update(
        status=RecipientStatus.UNCONFIRMED, error=UNCONFIRMED_NOTE, updated_at=now
    )
    claimed = rows.filter(status=RecipientStatus.CLAIMED)
    if not previous_owner or durability.trusts(_owner_epoch(previous_owner)):
        claimed.update(status=RecipientStatus.QUEUED, updated_at=now)  # never handed over
    else:
        unconfirmed += claimed.update(
            status=RecipientStatus.UNCONFIRMED, error=UNCONFIRMED_NOTE, updated_at=now
        )
    if unconfirmed:
        log.warning("campaign %s: %s e-mails left unconfirmed by a stopped worker",
                    campaign_id, unconfirmed)  # fmt: skip


def campaign_run(campaign_id: int) -> str:
    """Send what is left of a due campaign. Safe to run twice, or in two workers at once."""
    me = worker_id()
    acquired = _acquire(campaign_id, me)
    if acquired is None:
        return "not due, finished, or another worker is sending it"
    campaign, previous_owner = acquired
    materialize_audience(campaign)
    _recover(campaign_id, previous_owner)
    template = campaign.template
    content = Content(template.subject, template.body_text, template.body_html)
    per_minute = conf.rate_per_minute()
    batch_size = min(conf.BATCH_SIZE, per_minute) if per_minute else conf.BATCH_SIZE
    pacer = _Pacer(per_minute)
    from rapport.campaigns.tasks import record_campaign_sends

    while True:
        rows = list(
            CampaignRecipient.objects.filter(campaign_id=campaign_id, status=RecipientStatus.QUEUED)
            .order_by("id")
            .values_list("id", "person_id")[:batch_size]
        )
        if not rows:
            break
        sent = _send_batch(campaign, content, rows, pacer)
        if sent:
            record_campaign_sends(campaign_id, sent)
        if not _renew(campaign_id, me):  # cancelled, or the lease was lost
            return "stopped"
    Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING, lease_owner=me).update(
        status=CampaignStatus.SENT, finished_at=timezone.now(), lease_owner="", lease_until=None
    )
    return "sent"


def campaigns_due() -> list[int]:
    """Campaigns a runner should look at: due scheduled ones, and sending ones whose
    runner is gone (lease lapsed, or its process on this machine ended)."""
    now = timezone.now()
    due = list(
        Campaign.objects.filter(status=CampaignStatus.SCHEDULED, scheduled_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for pk, owner, until in Campaign.objects.filter(status=CampaignStatus.SENDING).values_list(
        "pk", "lease_owner", "lease_until"
    ):
        if until is None or until < now or _holder_gone(owner):
            due.append(pk)
    return due
