"""The current-state audit over a hand-built workspace, and over what a rep may see."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.activities.models import Activity
from rapport.assessments.current_state import current_state
from tests.rapport.playbooks.builders import order, person, touch

pytestmark = pytest.mark.django_db


def by_label(state, label):
    return next(c for c in state.channels if c.label == label)


def test_what_exists_what_is_missing_and_who_touched_whom(workspace):
    # rick (North) owns three people, sam (South) one; one person has no owner
    ana = person(workspace.rep, email="ana@example.com", phone="+14155550101")
    ben = person(workspace.rep, email="ben@example.com")
    cat = person(workspace.rep)
    dan = person(workspace.other_rep, email="dan@example.com")
    person(None)
    order(ana, days=10)
    order(ana, days=400)
    # calls to ana by rick (North) and sam (South): two teams; a meeting with ben by rick;
    # an old e-mail to cat, outside the 90 days
    for actor, who, kind, days in ((workspace.rep, ana, "call", 5), (workspace.other_rep, ana, "call", 3),
                                   (workspace.rep, ben, "meeting", 20), (workspace.rep, cat, "email_out", 200)):  # fmt: skip
        Activity.objects.filter(pk=touch(who, kind=kind, days=days).pk).update(actor=actor)

    state = current_state(user=workspace.admin)
    completeness = {c.label: (c.count, c.share) for c in state.quality.completeness}
    assert state.quality.total == 5
    assert completeness["E-mail"] == (3, pytest.approx(0.6))
    assert completeness["Phone"] == (1, pytest.approx(0.2))
    assert (state.orders, state.people_with_orders) == (2, 1)
    assert (by_label(state, "Call").links, by_label(state, "Call").people) == (2, 1)
    assert by_label(state, "Meeting").links == 1
    assert (
        by_label(state, "E-mail sent").links,
        by_label(state, "E-mail sent").links_all_time,
    ) == (0, 1)
    assert state.people_touched_recent == 2  # ana and ben; cat's e-mail is older than 90 days
    assert state.multi_team_share == pytest.approx(0.5)  # ana: North and South; ben: North only
    assert state.owner_share == pytest.approx(0.8)  # 4 of 5 have an owner
    assert "Phone is missing for 80% of people." in state.gaps
    assert "20% of people have no owner: nobody answers for them." in state.gaps
    assert any(gap.startswith("Nothing recorded in 90 days for: note,") for gap in state.gaps)
    assert dan.pk  # sam's person counts for the admin

    # rick sees his three people only (team visibility: North's records)
    mine = current_state(user=workspace.rep)
    assert mine.quality.total == 3
    assert (mine.orders, by_label(mine, "Call").links) == (2, 2)
    assert (
        "No orders: customer value, tiers, lifecycle stages and retention cannot be computed. Import orders."
        not in mine.gaps
    )


def test_an_empty_workspace_says_where_to_start(workspace):
    state = current_state(user=workspace.admin)
    assert state.gaps == ["No people yet: import them (Import and export) or add them by hand."]


def test_the_page_renders_for_every_role(workspace):
    person(workspace.rep, email="ana@example.com")
    for user in (workspace.admin, workspace.rep, workspace.viewer):
        client = Client()
        client.force_login(user)
        page = client.get("/assessments/current-state/")
        assert page.status_code == 200
        assert "What to fix first" in page.text and "No orders" in page.text
