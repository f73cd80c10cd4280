"""The fast send loop keeps "never twice": group claims, the courier thread, refusals,
and a mail server that cannot be reached."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from rapport.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from rapport.campaigns.services import handoff
from rapport.campaigns.services.audience import materialize_audience
from rapport.campaigns.services.campaigns import campaign_create
from rapport.campaigns.services.runner import campaign_run
from rapport.campaigns.services.templates import template_create
from tests.rapport.campaigns.conftest import free_port, use_smtp_server


@pytest.fixture
def campaign_to(workspace: Any, make_person: Any) -> Any:
    template = template_create(actor=workspace.manager, data={
        "name": "N", "kind": "marketing", "subject": "Hi {{ person.first_name }}",
        "body_text": "Hello {{ person.first_name }}, from {{ owner.display_name }}.",
    })  # fmt: skip

    def make(count: int) -> Campaign:
        people = [
            make_person(first_name=f"P{i}", emails=[f"p{i}@example.com"], email_consent="granted")
            for i in range(count)
        ]
        campaign = campaign_create(actor=workspace.manager, data={
            "name": "Fast", "template_id": template.pk, "audience_kind": "static",
            "person_ids": [p.pk for p in people],
        })  # fmt: skip
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
        )
        return campaign

    return make


def statuses(campaign: Campaign) -> dict[str, int]:
    rows = CampaignRecipient.objects.filter(campaign=campaign).values_list("status", flat=True)
    counts: dict[str, int] = {}
    for status in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_claims_cover_a_few_milliseconds_of_hand_offs_and_one_when_paced() -> None:
    sizer = handoff.ClaimSizer(paced=False)
    assert sizer.size() == 1  # nothing measured yet
    sizer.observe(0.15)  # a slow server: one message per claim
    assert sizer.size() == 1
    for _ in range(50):
        sizer.observe(0.0001)
    assert sizer.size() == handoff.MAX_CLAIM_GROUP
    for _ in range(50):
        sizer.observe(0.001)
    assert sizer.size() == int(handoff.CLAIM_WINDOW / 0.001)
    paced = handoff.ClaimSizer(paced=True)
    paced.observe(0.0001)
    assert paced.size() == 1


def test_a_group_claim_wins_only_rows_no_other_run_has_moved_on(campaign_to: Any) -> None:
    campaign = campaign_to(3)
    materialize_audience(campaign)
    ids = list(CampaignRecipient.objects.filter(campaign=campaign).order_by("id").values_list("id", flat=True))  # fmt: skip
    CampaignRecipient.objects.filter(pk__in=ids).update(status=RecipientStatus.CLAIMED)
    CampaignRecipient.objects.filter(pk=ids[1]).update(status=RecipientStatus.SENDING)  # taken
    won = handoff._claim([handoff._Message(i, f"x{i}@example.com") for i in ids])
    assert won == {ids[0], ids[2]}
    row = CampaignRecipient.objects.get(pk=ids[2])
    assert row.status == RecipientStatus.SENDING and row.email == f"x{ids[2]}@example.com"


def test_a_fast_campaign_reaches_everyone_once_with_grouped_claims(
    smtp_sink: Any, campaign_to: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    original = handoff.ClaimSizer.size

    def size(self: handoff.ClaimSizer) -> int:
        sizes.append(original(self))
        return sizes[-1]

    monkeypatch.setattr(handoff.ClaimSizer, "size", size)
    campaign = campaign_to(60)
    assert campaign_run(campaign.pk) == "sent"
    addresses = sorted(r.rcpt_tos[0] for r in smtp_sink.received)
    assert addresses == sorted(f"p{i}@example.com" for i in range(60))
    assert statuses(campaign) == {"sent": 60}
    assert max(sizes) > 1  # loopback is fast: claims were shared


class PeerSink:
    """An SMTP server that notes which connection each message came on."""

    def __init__(self) -> None:
        self.peers: list[Any] = []
        self.rcpts: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.peers.append(session.peer)
        self.rcpts += envelope.rcpt_tos
        return "250 OK"


def test_a_fast_server_gets_two_connections_and_each_message_once(
    settings: Any, campaign_to: Any
) -> None:
    from aiosmtpd.controller import Controller

    sink = PeerSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        use_smtp_server(settings, port)
        campaign = campaign_to(80)
        assert campaign_run(campaign.pk) == "sent"
    finally:
        controller.stop()
    assert sorted(sink.rcpts) == sorted(f"p{i}@example.com" for i in range(80))
    assert len(set(sink.peers)) == handoff.CONNECTIONS == 2
    assert statuses(campaign) == {"sent": 80}


@pytest.mark.parametrize("field", ["owner.display_name", "organization.name", "scores.tier"])
def test_a_batchs_people_cost_the_same_queries_however_many_there_are(
    workspace: Any, make_person: Any, field: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rapport.campaigns.mailer import Content
    from rapport.campaigns.prepared import PreparedCampaign

    prepared = PreparedCampaign(Content(f"{{{{ {field} }}}}", "Hi {{ person.first_name }}"))
    ids = [make_person(first_name=f"Q{i}", emails=[f"q{i}@example.com"]).pk for i in range(12)]

    def render(count: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            for person in handoff._people(prepared, ids[:count]).values():
                prepared.message(to=person.email, person=person, message_id="<m@example.com>",
                                 unsubscribe="https://u/1/")  # fmt: skip
        return len(queries)

    assert render(2) == render(12)


def test_a_refused_message_fails_and_the_rest_still_go(
    smtp_scripted: Any, campaign_to: Any
) -> None:
    server = smtp_scripted(["", "550 5.1.1 No such user"])  # "": accept
    campaign = campaign_to(4)
    assert campaign_run(campaign.pk) == "sent"
    assert statuses(campaign) == {"sent": 3, "failed": 1}
    failed = CampaignRecipient.objects.get(campaign=campaign, status=RecipientStatus.FAILED)
    assert "No such user" in failed.error
    assert len(server.received) == 3


def test_an_unreachable_mail_server_stops_the_run_and_loses_nobody(
    settings: Any, campaign_to: Any, smtp_sink: Any
) -> None:
    campaign = campaign_to(3)
    port = smtp_sink.port
    use_smtp_server(settings, free_port())  # nobody listens there
    with pytest.raises(OSError):
        campaign_run(campaign.pk)
    # Nothing was handed over, so nothing is "sending" or "unconfirmed": all wait their turn
    assert statuses(campaign) == {"queued": 3}
    # Once the server is back, the next run (after the lease) sends them all
    use_smtp_server(settings, port)
    Campaign.objects.filter(pk=campaign.pk).update(lease_owner="", lease_until=None)
    assert campaign_run(campaign.pk) == "sent"
    assert statuses(campaign) == {"sent": 3}
    assert len(smtp_sink.received) == 3
