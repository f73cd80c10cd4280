"""Campaigns: audiences, consent, per-recipient status, results, never twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rapport.activities.models import ActivityLink
from rapport.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from rapport.campaigns.selectors import campaign_results
from rapport.campaigns.services.campaigns import campaign_cancel, campaign_create, campaign_schedule
from rapport.campaigns.services.runner import campaign_run, campaigns_due
from rapport.campaigns.services.templates import template_create
from rapport.core.errors import PermissionDenied, ValidationFailed
from rapport.insights.models import Segment


@pytest.fixture
def newsletter(workspace: Any) -> Any:
    return template_create(actor=workspace.manager, data={
        "name": "Newsletter", "kind": "marketing", "subject": "News for {{ person.first_name }}",
        "body_text": "Hello {{ person.first_name|default:\"friend\" }}",
    })  # fmt: skip


@pytest.fixture
def audience(make_person: Any) -> list[Any]:
    people = [
        make_person(
            first_name=f"P{i}", emails=[f"p{i}@example.com"], email_consent="granted", tags=["vip"]
        )
        for i in range(5)
    ]
    people.append(make_person(first_name="NoConsent", emails=["nc@example.com"], tags=["vip"]))
    people.append(make_person(first_name="NoAddress", email_consent="granted", tags=["vip"]))
    return people


def _send_now(actor: Any, campaign: Campaign, django_capture_on_commit_callbacks: Any) -> Campaign:
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(actor=actor, campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def test_a_campaign_to_a_static_list_reaches_each_consenting_person_once(
    smtp_sink: Any,
    workspace: Any,
    newsletter: Any,
    audience: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a campaign to seven people, two of whom cannot get marketing mail
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Spring", "template_id": newsletter.pk, "audience_kind": "static",
        "person_ids": [p.pk for p in audience],
    })  # fmt: skip
    # When it is sent now
    campaign = _send_now(workspace.manager, campaign, django_capture_on_commit_callbacks)
    # Then five e-mails arrived, one per consenting person, merged and each with its own link
    assert campaign.status == CampaignStatus.SENT
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.received) == [
        f"p{i}@example.com" for i in range(5)
    ]
    first = smtp_sink.to("p0@example.com")[0]
    assert first.message["Subject"] == "News for P0"
    assert first.message["List-Unsubscribe"] and "unsubscribe" in first.text()
    row = CampaignRecipient.objects.get(campaign=campaign, person=audience[0])
    assert first.message["Message-ID"] == row.message_id and row.status == RecipientStatus.SENT
    # And the results count them
    results = campaign_results(campaign)
    assert results.counts == {"sent": 5, "skipped": 2} and results.handed_over == 5
    # And each send is on the person's timeline
    assert ActivityLink.objects.filter(kind="campaign_send").count() == 5
    # When the job runs again (a retry, a second worker)
    campaign_run(campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SENDING, lease_owner="", lease_until=None
    )
    campaign_run(campaign.pk)
    # Then nobody got it twice
    assert len(smtp_sink.received) == 5


def test_a_segment_audience_is_the_segments_members_the_author_may_see(
    smtp_sink: Any,
    workspace: Any,
    newsletter: Any,
    audience: list[Any],
    make_person: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    hidden = make_person(actor=workspace.other_rep, first_name="South", emails=["s@example.com"],
                         email_consent="granted", tags=["vip"])  # fmt: skip
    segment = Segment.objects.create(name="VIPs", entity="person", owner=workspace.manager,
                                     definition=[{"field": "tag", "op": "eq", "value": "vip"}])  # fmt: skip
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Seg", "template_id": newsletter.pk, "audience_kind": "segment", "segment_id": segment.pk,
    })  # fmt: skip
    _send_now(workspace.manager, campaign, django_capture_on_commit_callbacks)
    assert len(smtp_sink.received) == 5
    assert not smtp_sink.to("s@example.com")
    assert not CampaignRecipient.objects.filter(person=hidden).exists()


def test_a_worker_stopped_mid_hand_off_never_sends_twice(
    smtp_sink: Any, workspace: Any, newsletter: Any, audience: list[Any]
) -> None:
    # Given a campaign whose first recipient was claimed by a worker that then died
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Crash", "template_id": newsletter.pk, "audience_kind": "static",
        "person_ids": [p.pk for p in audience[:3]],
    })  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
    )
    from rapport.campaigns.services.audience import materialize_audience

    materialize_audience(campaign)
    first = CampaignRecipient.objects.filter(campaign=campaign).order_by("id").first()
    assert first is not None
    CampaignRecipient.objects.filter(pk=first.pk).update(status=RecipientStatus.SENDING)
    Campaign.objects.filter(pk=campaign.pk).update(
        lease_owner="otherhost:1:1", lease_until=timezone.now() - timedelta(seconds=1)
    )
    # When the worker picks the campaign up again
    assert campaign.pk in campaigns_due()
    assert campaign_run(campaign.pk) == "sent"
    # Then the claimed one is not re-sent (it may have gone out) but reported unconfirmed
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.received) == ["p1@example.com", "p2@example.com"]
    first.refresh_from_db()
    assert first.status == RecipientStatus.UNCONFIRMED and "not sent again" in first.error


def test_a_live_lease_keeps_a_second_runner_out(
    workspace: Any, newsletter: Any, audience: list[Any]
) -> None:
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Busy", "template_id": newsletter.pk, "audience_kind": "static", "person_ids": [audience[0].pk],
    })  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SENDING, scheduled_at=timezone.now(), started_at=timezone.now(),
        lease_owner="otherhost:1:1", lease_until=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    assert campaign_run(campaign.pk).startswith("not due")
    assert campaign.pk not in campaigns_due()


def test_scheduled_campaigns_wait_for_their_time_and_can_be_cancelled(
    smtp_sink: Any,
    workspace: Any,
    newsletter: Any,
    audience: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Later", "template_id": newsletter.pk, "audience_kind": "static", "person_ids": [audience[0].pk],
    })  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(
            actor=workspace.manager, campaign=campaign, at=timezone.now() + timedelta(hours=1)
        )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED and campaign_run(campaign.pk).startswith(
        "not due"
    )
    assert campaign.pk not in campaigns_due()
    Campaign.objects.filter(pk=campaign.pk).update(
        scheduled_at=timezone.now() - timedelta(seconds=1)
    )
    assert campaign.pk in campaigns_due()
    campaign_cancel(actor=workspace.manager, campaign=campaign)
    assert campaign_run(campaign.pk).startswith("not due") and smtp_sink.received == []


def test_the_rate_limit_spaces_messages(
    smtp_sink: Any, settings: Any, workspace: Any, newsletter: Any, audience: list[Any]
) -> None:
    import time

    settings.RAPPORT = {**settings.RAPPORT, "EMAIL_RATE_PER_MINUTE": 600}  # one every 0.1 s
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Slow", "template_id": newsletter.pk, "audience_kind": "static",
        "person_ids": [p.pk for p in audience[:4]],
    })  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
    )
    started = time.monotonic()
    campaign_run(campaign.pk)
    assert len(smtp_sink.received) == 4 and time.monotonic() - started >= 0.3


def test_only_admins_and_managers_run_campaigns(
    workspace: Any, newsletter: Any, audience: list[Any]
) -> None:
    data = {
        "name": "X",
        "template_id": newsletter.pk,
        "audience_kind": "static",
        "person_ids": [audience[0].pk],
    }
    for user in (workspace.rep, workspace.viewer):
        with pytest.raises(PermissionDenied):
            campaign_create(actor=user, data=data)


def test_campaigns_need_a_marketing_template_and_people_the_author_may_see(
    workspace: Any, newsletter: Any, make_person: Any
) -> None:
    transactional = template_create(actor=workspace.manager, data={
        "name": "Receipt", "kind": "transactional", "subject": "Receipt", "body_text": "Thanks"})  # fmt: skip
    hidden = make_person(actor=workspace.other_rep, first_name="South")
    with pytest.raises(ValidationFailed) as caught:
        campaign_create(actor=workspace.manager, data={
            "name": "X", "template_id": transactional.pk, "audience_kind": "static", "person_ids": [hidden.pk],
        })  # fmt: skip
    assert set(caught.value.detail) == {"template_id", "person_ids"}  # type: ignore[arg-type]


def test_the_people_list_filter_becomes_a_fixed_list(
    workspace: Any, newsletter: Any, audience: list[Any]
) -> None:
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Filtered", "template_id": newsletter.pk, "audience_kind": "static", "people_filter": "?tag=vip",
    })  # fmt: skip
    assert sorted(campaign.static_person_ids) == sorted(p.pk for p in audience)


def test_campaign_messages_carry_non_ascii_text_intact(
    smtp_sink: Any, workspace: Any, make_person: Any
) -> None:
    person = make_person(first_name="Zoë", emails=["zoe@example.com"], email_consent="granted")
    template = template_create(actor=workspace.manager, data={
        "name": "Olá", "kind": "marketing", "subject": "Olá {{ person.first_name }} — ünïcode",
        "body_text": "Merci {{ person.first_name }} ✓\n.\nA line that starts with a dot.",
        "body_html": "<p>Grüße {{ person.first_name }}</p>",
    })  # fmt: skip
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Intl", "template_id": template.pk, "audience_kind": "static", "person_ids": [person.pk],
    })  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
    )
    campaign_run(campaign.pk)
    (received,) = smtp_sink.received
    assert received.message["Subject"] == "Olá Zoë — ünïcode"
    assert received.text().splitlines()[:3] == [
        "Merci Zoë ✓",
        ".",
        "A line that starts with a dot.",
    ]
    html = received.message.get_body(preferencelist=("html",))
    assert html is not None and "<p>Grüße Zoë</p>" in html.get_content()
    assert received.mail_from == "crm@example.com"


def test_claimed_rows_go_back_to_the_queue_only_when_the_claims_can_be_trusted(
    smtp_sink: Any, workspace: Any, newsletter: Any, audience: list[Any]
) -> None:
    from rapport.campaigns.services import durability
    from rapport.campaigns.services.audience import materialize_audience

    def crashed_campaign(owner_epoch: str) -> Campaign:
        campaign = campaign_create(actor=workspace.manager, data={
            "name": owner_epoch, "template_id": newsletter.pk, "audience_kind": "static",
            "person_ids": [p.pk for p in audience[:2]],
        })  # fmt: skip
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
        )
        materialize_audience(campaign)
        CampaignRecipient.objects.filter(campaign=campaign).update(status=RecipientStatus.CLAIMED)
        Campaign.objects.filter(pk=campaign.pk).update(
            lease_owner=f"otherhost:1:1:{owner_epoch}",
            lease_until=timezone.now() - timedelta(seconds=1),
        )
        return campaign

    # Same machine boot (the worker process died): a claimed row was never handed over
    same = crashed_campaign(durability.epoch())
    campaign_run(same.pk)
    assert set(
        CampaignRecipient.objects.filter(campaign=same).values_list("status", flat=True)
    ) == {"sent"}
    # The machine restarted since: the relaxed per-message claims may be lost, never re-send
    other = crashed_campaign("boot 00000000-0000-0000-0000-000000000000")
    campaign_run(other.pk)
    assert set(
        CampaignRecipient.objects.filter(campaign=other).values_list("status", flat=True)
    ) == {"unconfirmed"}
    assert len(smtp_sink.received) == 2


def test_long_campaign_messages_keep_smtp_line_lengths(
    smtp_sink: Any, workspace: Any, make_person: Any
) -> None:
    person = make_person(first_name="Ana", emails=["ana@example.com"], email_consent="granted")
    paragraph = "A long paragraph of news that goes on and on. " * 60
    template = template_create(actor=workspace.manager, data={
        "name": "Long", "kind": "marketing", "subject": "News",
        "body_text": (paragraph + "\n\n") * 5, "body_html": f"<p>{paragraph}</p>" * 5,
    })  # fmt: skip
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Long", "template_id": template.pk, "audience_kind": "static", "person_ids": [person.pk],
    })  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
    )
    campaign_run(campaign.pk)
    (received,) = smtp_sink.received
    assert max(len(line) for line in received.data.split(b"\r\n")) <= 998
    assert received.text().count(paragraph.strip()) == 5
