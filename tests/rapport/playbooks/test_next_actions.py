"""“What to do next”: objectives behind first, then the shares furthest from their best."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from rapport.core.indicators import Scope, indicator
from rapport.objectives.models import Objective
from rapport.people.models import ConsentStatus
from rapport.playbooks.annotations import Annotation
from rapport.playbooks.models import IndicatorSnapshot
from rapport.playbooks.models_catalog import IDIC
from rapport.playbooks.next_actions import next_actions
from rapport.playbooks.selectors import IndicatorState, Playbook, StepState
from tests.rapport.playbooks.builders import person

pytestmark = pytest.mark.django_db


def state(key: str, value: float | None) -> IndicatorState:
    found = indicator(key)
    assert found is not None
    return IndicatorState(found, value, {}, None)


def board(*states: IndicatorState) -> Playbook:
    return Playbook(IDIC, Scope(), [StepState(IDIC.steps[0], list(states))], [])


def test_the_shares_furthest_from_their_best_come_first():
    consent = state("identify.consent_known_share", 0.40)  # 60 points short
    complete = state("identify.complete_profile_share", 0.70)  # 30 short
    duplicates = state("identify.duplicate_rate", 0.01)  # lower is better: 1 point, good enough
    new = state("identify.new_records_30d", 12.0)  # a count: no best
    actions = next_actions(board(complete, consent, duplicates, new), {}, "workspace")
    assert [a.state.indicator.key for a in actions] == ["identify.consent_known_share",
                                                        "identify.complete_profile_share"]  # fmt: skip
    assert actions[0].reason == "60% short of the best."
    assert actions[0].url == "/people/?indicator=identify.consent_known_share&scope=workspace"


def test_an_objective_off_track_outranks_any_shortfall():
    consent = state("identify.consent_known_share", 0.10)
    duplicates = state("identify.duplicate_rate", 0.04)
    notes = {"identify.duplicate_rate": [Annotation("Fewer duplicates (1% by 1 Mar 2027)", "/objectives/1/",
                                                    "off_track", "Off track", True)]}  # fmt: skip
    actions = next_actions(board(consent, duplicates), notes, "workspace")
    assert actions[0].state.indicator.key == "identify.duplicate_rate"
    assert actions[0].reason == "Fewer duplicates (1% by 1 Mar 2027) is off track."
    assert (actions[0].label, actions[0].url) == ("Review the duplicate queue", "/duplicates/")


def test_the_playbook_page_shows_next_actions_and_objectives(workspace):
    for consent in (ConsentStatus.GRANTED, ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN):
        person(workspace.rep, email_consent=consent)
    today = timezone.localdate()
    Objective.objects.create(
        title="Consent from most", indicator="identify.consent_known_share", scope_kind="owner",
        scope_id=workspace.rep.pk, baseline=0.3, target=0.8, start=today - dt.timedelta(days=80),
        deadline=today + dt.timedelta(days=20), owner=workspace.rep, created_by=workspace.rep,
    )  # fmt: skip
    # nightly snapshots of rick's records: flat at a third since day 10
    objective = Objective.objects.get()
    for days_ago in (70, 40, 1):
        IndicatorSnapshot.objects.create(indicator=objective.indicator, scope_kind="owner", scope_id=workspace.rep.pk,
                                         day=today - dt.timedelta(days=days_ago), value=1 / 3)  # fmt: skip
    client = Client()
    client.force_login(workspace.admin)
    page = client.get("/playbooks/")
    assert page.status_code == 200
    assert "What to do next" in page.text
    assert (
        "Consent from most (80% by" in page.text
    )  # the admin sees rick's objective beside the indicator
    assert "objective-off_track" in page.text  # 0.33 at day 80 of 100: far behind the path
