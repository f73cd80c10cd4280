"""The daily snapshot: one row per indicator, scope and day, taken by a command or the job."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapport.core.indicators import indicators
from rapport.playbooks.models import IndicatorSnapshot
from rapport.playbooks.services import KEEP_DAYS, snapshot_take
from rapport.playbooks.tasks import nightly_indicator_snapshot
from tests.rapport.playbooks.builders import person

pytestmark = pytest.mark.django_db


def test_the_command_snapshots_every_indicator_for_workspace_teams_and_owners(
    workspace: Any,
) -> None:
    # Given two consent-known people of the rep's (North) and one unknown of South's rep
    person(workspace.rep, email_consent="granted")
    person(workspace.rep, email_consent="declined")
    person(workspace.other_rep)

    out = StringIO()
    call_command("indicators", "snapshot", stdout=out)

    # Then: 1 workspace + 2 teams + 5 owners (viewers own nothing) = 8 scopes
    assert "over 8 scopes" in out.getvalue()
    today = timezone.localdate()
    assert IndicatorSnapshot.objects.filter(day=today).count() == 8 * len(indicators())
    consent = IndicatorSnapshot.objects.filter(indicator="identify.consent_known_share", day=today)
    assert consent.get(scope_kind="workspace", scope_id=0).value == pytest.approx(2 / 3)
    assert consent.get(scope_kind="team", scope_id=workspace.north.id).value == 1.0
    assert consent.get(scope_kind="team", scope_id=workspace.south.id).value == 0.0
    assert consent.get(scope_kind="owner", scope_id=workspace.rep2.id).value is None


def test_running_twice_a_day_replaces_the_days_values(workspace: Any) -> None:
    person(workspace.rep)
    snapshot_take()
    person(workspace.rep, email_consent="granted")
    nightly_indicator_snapshot.call_local()

    rows = IndicatorSnapshot.objects.filter(
        indicator="identify.consent_known_share", scope_kind="workspace"
    )
    assert [r.value for r in rows] == [0.5]


def test_snapshots_are_kept_three_years_and_older_ones_removed(workspace: Any) -> None:
    today = timezone.localdate()
    two_years = today - dt.timedelta(days=2 * 366)
    too_old = today - dt.timedelta(days=KEEP_DAYS + 1)
    for day in (two_years, too_old):
        IndicatorSnapshot.objects.create(
            indicator="identify.duplicate_rate", scope_kind="workspace", day=day, value=0.1
        )
    report = snapshot_take(day=today)
    assert report.purged == 1
    days = set(
        IndicatorSnapshot.objects.filter(indicator="identify.duplicate_rate").values_list(
            "day", flat=True
        )
    )
    assert days == {two_years, today}


def test_the_list_command_prints_every_key(db: Any) -> None:
    out = StringIO()
    call_command("indicators", "list", stdout=out)
    assert [line.split("\t")[0] for line in out.getvalue().splitlines()] == [
        i.key for i in indicators()
    ]
