"""A rep's indicator counts only what they may see; a drill-down never lists more."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.accounts.access import visible_to
from rapport.accounts.models import Visibility, WorkspaceSettings
from rapport.activities.models import Task
from rapport.campaigns.models import Campaign, CampaignRecipient, EmailTemplate
from rapport.core.indicators import Scope, indicators
from rapport.people.models import Person
from tests.rapport.playbooks.builders import done_run, duplicate_pair, order, person, score, touch

pytestmark = pytest.mark.django_db


def populate(owner: Any, campaign: Campaign) -> set[int]:
    """Records behind every indicator, all owned by ``owner`` (and in their team)."""
    run = done_run()
    twins = [person(owner, email="twin@x.org"), person(owner, email="twin@x.org")]
    duplicate_pair(*twins)
    lapsed_star = person(owner)
    score(lapsed_star, run, tier="A", p_alive=0.2)
    order(lapsed_star, days=400)
    order(lapsed_star, days=10)
    touched = person(owner, email_consent="granted")
    score(touched, run, tier="A", p_alive=0.9, historical=500)
    touch(touched, days=40)
    for days in (200, 150, 30):
        order(touched, days=days)
    lost = person(owner)
    order(lost, days=500)
    newcomer = person(owner, source="web form")
    order(newcomer, days=3)
    task = Task.objects.create(
        title="late", assignee=owner, due_at=timezone.now() - dt.timedelta(days=1)
    )
    task.people.add(lost)
    CampaignRecipient.objects.create(
        campaign=campaign, person=touched, status="replied", message_id=f"{owner.pk}@x",
        sent_at=timezone.now() - dt.timedelta(days=3),
    )  # fmt: skip
    return {p.pk for p in (*twins, lapsed_star, touched, lost, newcomer)}


@pytest.fixture
def two_teams(workspace: Any) -> dict[str, set[int]]:
    template = EmailTemplate.objects.create(name="t", subject="s", body_text="b")
    campaign = Campaign.objects.create(name="c", template=template, audience_kind="static")
    return {
        "north": populate(workspace.rep, campaign),
        "south": populate(workspace.other_rep, campaign),
    }


PER_PERSON = [i.key for i in indicators() if i.key != "interact.overdue_tasks"]


@pytest.mark.parametrize("key", PER_PERSON)
def test_a_reps_value_is_their_teams_value(key: str, workspace: Any, two_teams: Any) -> None:
    # Given team visibility, the rep (North) sees exactly North's records
    from rapport.core.indicators import indicator

    found = indicator(key)
    assert found is not None
    as_rep = found.compute(Scope(viewer=workspace.rep))
    north_only = found.compute(Scope("team", workspace.north.id))
    # (approx: "days since" moves with the clock between the two reads)
    assert as_rep.value == pytest.approx(north_only.value, abs=1e-4)
    assert as_rep.breakdown == pytest.approx(north_only.breakdown, abs=1e-4)
    # and there is something to count on both sides, so the cut is real
    assert as_rep.value is not None
    if found.unit in ("count", "currency"):
        assert 0 < as_rep.value < (found.compute(Scope()).value or 0)


@pytest.mark.parametrize("key", [i.key for i in indicators() if i.drilldown is not None])
def test_a_drilldown_never_lists_a_record_the_viewer_may_not_see(
    key: str, workspace: Any, two_teams: Any
) -> None:
    from rapport.core.indicators import indicator

    found = indicator(key)
    assert found is not None and found.drilldown is not None
    everyone = set(found.drilldown(Scope()).values_list("pk", flat=True))
    for user in (workspace.rep, workspace.other_rep, workspace.viewer, workspace.manager):
        visible = set(visible_to(Person.objects.all(), user).values_list("pk", flat=True))
        listed = set(found.drilldown(Scope(viewer=user)).values_list("pk", flat=True))
        assert listed <= visible, (key, user.username)
        if key != "interact.overdue_tasks":  # tasks have their own rule, tested below
            assert listed == everyone & visible, (key, user.username)
    # and the data set gives every drill-down people on both teams, so the cut is real
    assert everyone & two_teams["north"] and everyone & two_teams["south"], key


def test_a_private_workspace_cuts_a_rep_down_to_their_own_records(
    workspace: Any, two_teams: Any
) -> None:
    from rapport.core.indicators import indicator

    WorkspaceSettings.objects.update_or_create(pk=1, defaults={"visibility": Visibility.PRIVATE})
    rep2 = workspace.rep2  # in North too, owns nothing
    found = indicator("identify.consent_known_share")
    assert found is not None and found.drilldown is not None
    assert found.compute(Scope(viewer=rep2)).value is None
    assert not found.drilldown(Scope(viewer=rep2)).exists()
    assert not Scope("team", workspace.north.id, rep2).sees_everything_in_it()
    assert Scope("owner", rep2.pk, rep2).sees_everything_in_it()


def test_overdue_tasks_count_only_tasks_the_viewer_may_see(workspace: Any, two_teams: Any) -> None:
    from rapport.core.indicators import indicator

    found = indicator("interact.overdue_tasks")
    assert found is not None
    assert found.compute(Scope()).value == 2
    assert found.compute(Scope(viewer=workspace.rep)).value == 1  # assigned to them
    assert found.compute(Scope(viewer=workspace.manager)).value == 1  # North's members
    assert found.compute(Scope("team", workspace.south.id)).value == 1


def test_which_snapshots_a_viewer_may_read(workspace: Any) -> None:
    north, south = workspace.north.id, workspace.south.id
    assert Scope("workspace", None, workspace.admin).sees_everything_in_it()
    assert not Scope("workspace", None, workspace.manager).sees_everything_in_it()
    assert Scope("team", north, workspace.manager).sees_everything_in_it()
    assert not Scope("team", south, workspace.manager).sees_everything_in_it()
    assert Scope("team", north, workspace.rep).sees_everything_in_it()  # team visibility
    assert Scope("owner", workspace.rep.pk, workspace.rep).sees_everything_in_it()
    assert not Scope("owner", workspace.rep2.pk, workspace.rep).sees_everything_in_it()
