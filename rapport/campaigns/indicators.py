"""Interact: how often campaign e-mails get an answer."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from rapport.campaigns.models import CampaignRecipient, RecipientStatus
from rapport.campaigns.selectors import HANDED_OVER
from rapport.core.indicators import Reading, Scope, register_indicator, share
from rapport.people.models import Person

REPLY_WINDOW_DAYS = 90


def _handed_over(scope: Scope) -> QuerySet[CampaignRecipient]:
    since = timezone.now() - dt.timedelta(days=REPLY_WINDOW_DAYS)
    return CampaignRecipient.objects.filter(
        person__in=scope.people().values("pk"), status__in=HANDED_OVER, sent_at__gte=since
    )


def replied(scope: Scope) -> QuerySet[Person]:
    answers = _handed_over(scope).filter(status=RecipientStatus.REPLIED)
    return scope.people().filter(pk__in=answers.values("person"))


def reply_rate(scope: Scope) -> Reading:
    sent = _handed_over(scope)
    return share(sent.filter(status=RecipientStatus.REPLIED).count(), sent.count())


def register() -> None:
    register_indicator(
        "interact.email_reply_rate",
        name="Campaign e-mail reply rate",
        definition=(
            "Of the campaign e-mails the mail server accepted in the last 90 days for live "
            "people in scope (sent, replied, bounced, unsubscribed or unconfirmed), the "
            "share whose recipient replied."
        ),
        unit="share",
        compute=reply_rate,
        drilldown=replied,
        drilldown_label="People who replied to a campaign",
    )
