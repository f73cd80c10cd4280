"""Turning a campaign's audience into recipient rows, once, when it starts."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

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


def _audience_ids(campaign: Campaign) -> Iterator[list[int]]:
    if campaign.audience_kind == AudienceKind.SEGMENT:
        if campaign.segment is None:
            return
        # The author's visibility: a campaign reaches only people its author may see.
        people = segment_people(segment=campaign.segment, user=campaign.created_by)
        ids = list(people.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            yield ids[start : start + CHUNK]
        return
    wanted = list(campaign.static_person_ids or [])
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        yield list(Person.objects.alive().filter(pk__in=chunk).values_list("pk", flat=True))


def materialize_audience(campaign: Campaign) -> int:
    """Add a row per audience member (one transaction; the unique (campaign, person)
    constraint makes a second call add nobody). Marks the campaign as sending."""
    with transaction.atomic():
        locked = (
            Campaign.objects.select_for_update(of=("self",))
            .select_related("segment", "created_by")
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
