"""A campaign's audience: who may send it, and its recipient rows, made once when it starts.

The audience is a segment's members as the campaign's owner sees them, or the fixed
list. Sending it needs a sender who sees every one of them (``hidden_from``), and the
rows hold only people the sender sees, checked again when the worker starts: a
segment that grew since, or a person moved to another team, is left out.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.campaigns.mailer import campaign_message_id
from rapport.campaigns.models import (
    AudienceKind,
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    RecipientStatus,
)
from rapport.insights.selectors import segment_people
from rapport.people.models import Person

CHUNK = 5000


def sender_of(campaign: Campaign) -> User | None:
    """Whose visibility bounds the recipients: who scheduled it (older rows: owner, author)."""
    return campaign.scheduled_by or campaign.owner or campaign.created_by


def _audience_chunks(campaign: Campaign, viewer: User) -> Iterator[QuerySet[Person]]:
    """The audience in chunks of people, as the campaign defines it: a segment's members
    as its owner (else ``viewer``) sees them, or the fixed list's people still alive."""
    if campaign.audience_kind == AudienceKind.SEGMENT:
        if campaign.segment is None:
            return
        people = segment_people(segment=campaign.segment, user=campaign.owner or viewer)
        ids = list(people.order_by("pk").values_list("pk", flat=True))
    else:
        ids = list(campaign.static_person_ids or [])
    for start in range(0, len(ids), CHUNK):
        yield Person.objects.alive().filter(pk__in=ids[start : start + CHUNK])


def hidden_from(campaign: Campaign, user: User) -> int:
    """How many of the campaign's audience ``user`` may not see (0: they may send it)."""
    hidden = 0
    for chunk in _audience_chunks(campaign, user):
        hidden += chunk.count() - visible_to(chunk, user).count()
    return hidden


def _audience_ids(campaign: Campaign) -> Iterator[list[int]]:
    sender = sender_of(campaign)
    if sender is None:  # nobody to answer for it: it reaches nobody
        return
    for chunk in _audience_chunks(campaign, sender):
        yield list(visible_to(chunk, sender).order_by("pk").values_list("pk", flat=True))


def materialize_audience(campaign: Campaign) -> int:
    """Add a row per audience member (one transaction; the unique (campaign, person)
    constraint makes a second call add nobody). Marks the campaign as sending."""
    with transaction.atomic():
        locked = (
            Campaign.objects.select_for_update(of=("self",))
            .select_related("segment", "created_by", "owner", "scheduled_by")
            .get(pk=campaign.pk)
        )
        if locked.started_at is not None:
            return 0
        added = 0
        for ids in _audience_ids(locked):
            rows = [
                CampaignRecipient(
                    campaign_id=locked.pk,
                    person_id=pid,
                    status=RecipientStatus.QUEUED,
                    message_id=campaign_message_id(campaign_id=locked.pk, person_id=pid),
                )
                for pid in ids
            ]
            CampaignRecipient.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
            added += len(rows)
        now = timezone.now()
        Campaign.objects.filter(pk=locked.pk).update(
            status=CampaignStatus.SENDING, started_at=now, updated_at=now
        )
    campaign.status = CampaignStatus.SENDING
    return added
