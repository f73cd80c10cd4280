"""Reads for e-mail and campaigns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from rapport.accounts.access import read_scope, visible_to
from rapport.accounts.models import User
from rapport.campaigns.models import (
    Campaign,
    CampaignRecipient,
    EmailTemplate,
    InboundEmail,
    OutboundEmail,
    RecipientStatus,
)
from rapport.core.errors import NotFound
from rapport.people.models import Person

# Recipients the mail server took (whatever happened next).
HANDED_OVER = (
    RecipientStatus.SENT, RecipientStatus.BOUNCED, RecipientStatus.REPLIED,
    RecipientStatus.UNSUBSCRIBED, RecipientStatus.UNCONFIRMED,
)  # fmt: skip


def template_list(*, user: User) -> QuerySet[EmailTemplate]:
    """Templates ``user`` may see (the records' rules: owner, team, workspace visibility)."""
    qs = EmailTemplate.objects.select_related("created_by", "owner", "team")
    return visible_to(qs, user).order_by("name", "id")


def template_get(*, user: User, pk: int) -> EmailTemplate:
    template = template_list(user=user).filter(pk=pk).first()
    if template is None:
        raise NotFound("No such template, or you may not see it.")
    return template


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    """Campaigns ``user`` may see."""
    qs = Campaign.objects.select_related("template", "segment", "created_by", "owner", "team")
    return visible_to(qs, user).order_by("-created_at", "-id")


def campaign_get(*, user: User, pk: int) -> Campaign:
    campaign = campaign_list(user=user).filter(pk=pk).first()
    if campaign is None:
        raise NotFound("No such campaign, or you may not see it.")
    return campaign


@dataclass
class Results:
    total: int
    counts: dict[str, int]
    handed_over: int
    rates: dict[str, float]

    def rows(self) -> list[tuple[str, str, int]]:
        labels = dict(RecipientStatus.choices)
        return [
            (status, labels[status], self.counts.get(status, 0))
            for status in RecipientStatus.values
        ]


def campaign_results(campaign: Campaign) -> Results:
    counts = {
        row["status"]: row["n"]
        for row in CampaignRecipient.objects.filter(campaign=campaign)
        .values("status")
        .annotate(n=Count("id"))
    }
    handed = sum(counts.get(s, 0) for s in HANDED_OVER)

    def rate(*statuses: str) -> float:
        return round(sum(counts.get(s, 0) for s in statuses) / handed, 4) if handed else 0.0

    return Results(
        total=sum(counts.values()), counts=counts, handed_over=handed,
        rates={"bounce": rate(RecipientStatus.BOUNCED), "reply": rate(RecipientStatus.REPLIED),
               "unsubscribe": rate(RecipientStatus.UNSUBSCRIBED)},
    )  # fmt: skip


def campaign_recipients(
    *, user: User, campaign: Campaign, status: str = ""
) -> QuerySet[CampaignRecipient]:
    """The campaign's recipients that ``user`` may see (the counts cover everyone)."""
    qs = CampaignRecipient.objects.filter(campaign=campaign).select_related("person").order_by("id")
    scope = read_scope(user)
    if scope is not None:
        qs = qs.filter(person__in=Person.objects.filter(scope).values("pk"))
    if status:
        qs = qs.filter(status=status)
    return qs


def person_emails(person: Person, *, limit: int = 20) -> list[dict[str, Any]]:
    """Recent e-mails to and from ``person``, newest first."""
    out: list[dict[str, Any]] = [
        {"direction": "out", "at": m.sent_at or m.created_at, "subject": m.subject,
         "status": m.get_status_display(), "error": m.error, "who": m.to_address,
         "attempts": m.attempts, "next_attempt_at": m.next_attempt_at}
        for m in OutboundEmail.objects.filter(person=person).order_by("-created_at")[:limit]
    ]  # fmt: skip
    received = InboundEmail.objects.filter(people=person).order_by("-received_at")[:limit]
    out += [
        {"direction": "in", "at": m.received_at, "subject": m.subject,
         "status": "Bounce" if m.is_bounce else "Received", "error": m.bounce_detail, "who": m.from_address}
        for m in received
    ]  # fmt: skip
    return sorted(out, key=lambda row: row["at"], reverse=True)[:limit]
