"""Interact indicators over hand-built touches, tasks and campaign sends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.activities.models import Task
from rapport.campaigns.models import Campaign, CampaignRecipient, EmailTemplate
from tests.rapport.playbooks.builders import done_run, person, score, touch
from tests.rapport.playbooks.test_indicators_identify import people_behind, read

pytestmark = pytest.mark.django_db


def test_tier_a_touched_in_30_days(workspace: Any) -> None:
    # Given four tier A customers: called 2 days ago, e-mailed 29 days ago,
    # called 31 days ago, and only an inbound e-mail yesterday; plus a tier B called
    run = done_run()
    called, emailed, long_ago, inbound = (person(workspace.rep) for _ in range(4))
    for customer in (called, emailed, long_ago, inbound):
        score(customer, run, tier="A")
    touch(called, kind="call", days=2)
    touch(emailed, kind="email_out", days=29)
    touch(long_ago, kind="call", days=31)
    touch(inbound, kind="email_in", days=1)
    tier_b = person(workspace.rep)
    score(tier_b, run, tier="B")
    touch(tier_b, days=1)

    # Then 2 of the 4 tier A were touched; the other two are the list to call
    assert read("interact.tier_a_touched_30d_share").value == pytest.approx(0.5)
    assert people_behind("interact.tier_a_touched_30d_share") == {long_ago.pk, inbound.pk}


def test_median_days_since_last_touch_per_tier(workspace: Any) -> None:
    # Given tier A last touched 2, 4 and 10 days ago (an older touch of the first too),
    # tier B 6 and 8 days ago, and a tier B never touched (left out)
    run = done_run()
    for tier, days in (("A", 2), ("A", 4), ("A", 10), ("B", 6), ("B", 8), ("B", None)):
        customer = person(workspace.rep)
        score(customer, run, tier=tier)
        if days is not None:
            touch(customer, days=days)
            touch(customer, days=days + 20)

    reading = read("interact.median_days_since_touch")
    # A: median of 2, 4, 10 = 4; B: mean of the middle two of 6, 8 = 7;
    # all: 2, 4, 6, 8, 10 → 6
    assert reading.breakdown == {"A": pytest.approx(4, abs=0.01), "B": pytest.approx(7, abs=0.01)}
    assert reading.value == pytest.approx(6, abs=0.01)


def test_overdue_tasks_are_open_and_past_due(workspace: Any) -> None:
    now = timezone.now()
    customer = person(workspace.rep)
    overdue = Task.objects.create(
        title="late", due_at=now - dt.timedelta(hours=1), assignee=workspace.rep
    )
    overdue.people.add(customer)
    Task.objects.create(title="later", due_at=now + dt.timedelta(days=1), assignee=workspace.rep)
    Task.objects.create(
        title="done", due_at=now - dt.timedelta(days=3), status="done", assignee=workspace.rep
    )
    Task.objects.create(
        title="late too", due_at=now - dt.timedelta(days=3), assignee=workspace.other_rep
    )

    # Then two open tasks are past due, one of them about a person
    assert read("interact.overdue_tasks").value == 2
    assert people_behind("interact.overdue_tasks") == {customer.pk}


def test_email_reply_rate_over_the_last_90_days(workspace: Any) -> None:
    template = EmailTemplate.objects.create(name="t", subject="s", body_text="b")
    campaign = Campaign.objects.create(name="c", template=template, audience_kind="static")
    now = timezone.now()
    statuses = ["replied", "sent", "sent", "bounced", "failed", "skipped"]
    people = [person(workspace.rep) for _ in statuses]
    for i, (who, status) in enumerate(zip(people, statuses, strict=True)):
        CampaignRecipient.objects.create(
            campaign=campaign, person=who, status=status, message_id=f"m{i}@x",
            sent_at=now - dt.timedelta(days=5) if status not in ("failed", "skipped") else None,
        )  # fmt: skip
    # and a reply to a campaign sent 100 days ago, outside the window
    earlier = Campaign.objects.create(name="earlier", template=template, audience_kind="static")
    CampaignRecipient.objects.create(
        campaign=earlier, person=people[1], status="replied", message_id="old@x",
        sent_at=now - dt.timedelta(days=100),
    )  # fmt: skip

    # Then 1 reply of the 4 the mail server took
    assert read("interact.email_reply_rate").value == pytest.approx(1 / 4)
    assert people_behind("interact.email_reply_rate") == {people[0].pk}
