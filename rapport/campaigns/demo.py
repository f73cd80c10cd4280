"""Demo data: a welcome e-mail, a newsletter, and last month's newsletter with results."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.accounts.models import Role, User
from rapport.campaigns.mailer import campaign_message_id
from rapport.campaigns.models import (
    AudienceKind,
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    EmailTemplate,
    RecipientStatus,
    TemplateKind,
)
from rapport.people.models import ConsentStatus, Person

WELCOME = """Hello {{ person.first_name|default:"there" }},

Thank you for choosing us. I am {{ owner.display_name }}, and I will be your contact:
just reply to this e-mail whenever you need anything.

Best regards,
{{ owner.display_name }}"""

NEWSLETTER = """Hi {{ person.first_name|default:"there" }},

Here is what is new this month at {{ organization.name|default:"your company" }}'s favourite supplier:

- the spring range is in,
- free delivery on orders over 100,
- a tasting evening on the last Friday of the month.

See you soon!"""

# Last month's results: mostly delivered, a few bounces, replies and unsubscribes.
OUTCOMES = [
    (RecipientStatus.SENT, 0.86), (RecipientStatus.REPLIED, 0.05), (RecipientStatus.BOUNCED, 0.03),
    (RecipientStatus.UNSUBSCRIBED, 0.02), (RecipientStatus.FAILED, 0.01), (RecipientStatus.SKIPPED, 0.03),
]  # fmt: skip
AUDIENCE = 400


def seed_demo(*, rng: random.Random, people: int, stdout: Any) -> None:
    if EmailTemplate.objects.filter(name="Welcome").exists():
        return
    author = User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN]).order_by("pk").first()
    team_ids = sorted(author.team_ids) if author is not None and not author.is_admin else []
    owned = {"created_by": author, "owner": author, "team_id": team_ids[0] if team_ids else None}
    EmailTemplate.objects.create(name="Welcome", kind=TemplateKind.TRANSACTIONAL, **owned,
                                 subject="Welcome, {{ person.first_name|default:\"friend\" }}", body_text=WELCOME)  # fmt: skip
    newsletter = EmailTemplate.objects.create(
        name="Monthly newsletter", kind=TemplateKind.MARKETING, **owned,
        subject="News for {{ person.first_name|default:\"you\" }}", body_text=NEWSLETTER,
    )  # fmt: skip
    ids = list(
        Person.objects.alive().filter(email_consent=ConsentStatus.GRANTED).exclude(email="")
        .order_by("pk").values_list("pk", "email")[:AUDIENCE]
    )  # fmt: skip
    if not ids:
        return
    sent_at = timezone.now() - timedelta(days=30)
    campaign = Campaign.objects.create(
        name="Last month's newsletter", template=newsletter, audience_kind=AudienceKind.STATIC,
        static_person_ids=[pk for pk, _ in ids], status=CampaignStatus.SENT, **owned,
        scheduled_at=sent_at, started_at=sent_at, finished_at=sent_at + timedelta(minutes=3),
    )  # fmt: skip
    statuses = [s for s, _ in OUTCOMES]
    weights = [w for _, w in OUTCOMES]
    rows = []
    for pk, email in ids:
        status = rng.choices(statuses, weights)[0]
        handed = status not in (RecipientStatus.SKIPPED, RecipientStatus.FAILED)
        rows.append(CampaignRecipient(
            campaign=campaign, person_id=pk, email=email, status=status, sent_at=sent_at if handed else None,
            message_id=campaign_message_id(campaign_id=campaign.pk, person_id=pk),
            error="550 5.1.1 User unknown" if status == RecipientStatus.BOUNCED else "",
        ))  # fmt: skip
    CampaignRecipient.objects.bulk_create(rows, batch_size=1000)
    stdout.write(f"Campaigns: 2 templates, 1 past campaign to {len(rows)} people.")
