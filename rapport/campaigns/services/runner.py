"""Sending a campaign in the worker, so that nobody ever gets it twice.

The guarantee rests on three things:

1. One ``CampaignRecipient`` row per (campaign, person), unique in the database:
   the audience can be added twice (a restart) without adding anyone twice.
2. Every message is *claimed* before it is handed to the SMTP server: its row goes
   ``claimed → sending`` in a conditional UPDATE that commits on its own (one per
   message, or per few-millisecond group when the server is fast: ``handoff``). Only
   the run whose UPDATE changed the row sends it, so two runs (a retried job, a second
   worker) cannot both send it; the committed claim survives the worker being killed.
   (The batch is first claimed ``queued → claimed`` in one durable commit; the
   per-message claims are committed cheaply: ``durability`` explains why that is safe.)
3. After the hand-off the row goes ``sending → sent`` (in bulk, at most half a second
   or a hundred messages later). A worker killed in between leaves rows in ``sending``:
   the mail server may or may not have them. They are **never sent again**; the next
   run marks them ``unconfirmed``. Re-sending would risk a duplicate; not re-sending
   risks, at worst, the messages in flight or claimed behind them when the worker died
   (at most ten; one with a slow server). "Never twice" beats "always once" for
   marketing mail.

A run holds a lease on the campaign (renewed every batch) so only one run sends a
campaign at a time; a run on the same machine takes over at once from a holder whose
process is gone, and anyone may take over once the lease lapses.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rapport.campaigns import conf
from rapport.campaigns.mailer import Content, envelope_sender
from rapport.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from rapport.campaigns.prepared import PreparedCampaign, UnsubscribeLinks
from rapport.campaigns.services import durability, handoff
from rapport.campaigns.services.audience import materialize_audience
from rapport.campaigns.services.courier import Couriers
from rapport.core.events import emit

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
    per_minute = conf.rate_per_minute()
    batch_size = min(conf.BATCH_SIZE, per_minute) if per_minute else conf.BATCH_SIZE
    run = handoff.Sending(
        campaign=campaign,
        prepared=PreparedCampaign(
            Content(template.subject, template.body_text, template.body_html)
        ),
        links=UnsubscribeLinks(campaign_id),
        pacer=handoff.Pacer(per_minute),
        sizer=handoff.ClaimSizer(paced=bool(per_minute)),
        couriers=Couriers(envelope_sender(), limit=handoff.CONNECTIONS),
    )
    try:
        while True:
            rows = list(
                CampaignRecipient.objects.filter(
                    campaign_id=campaign_id, status=RecipientStatus.QUEUED
                )
                .order_by("id")
                .values_list("id", "person_id", "message_id")[:batch_size]
            )
            if not rows:
                break
            sent = handoff.send_batch(run, rows)
            if sent:  # the timeline entries follow after commit (campaigns' subscriber)
                with transaction.atomic():
                    emit("campaign_recipient.sent", entity_type="campaign_recipient",
                         entity_ids=sent, fields=["status", "sent_at"])  # fmt: skip
            if not _renew(campaign_id, me):  # cancelled, or the lease was lost
                return "stopped"
    finally:
        run.couriers.close()
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
