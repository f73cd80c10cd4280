"""Setting objectives: the baseline is measured, the target must improve on it, scopes are guarded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rapport.activities.models import Notification
from rapport.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from rapport.core.events import dispatch_events
from rapport.objectives.models import Objective
from rapport.objectives.selectors import objective_get, objective_list
from rapport.objectives.services import (
    objective_create,
    objective_delete,
    objective_update,
    objectives_evaluate,
)
from rapport.playbooks.services import snapshot_take
from tests.rapport.objectives.conftest import CONSENT, snapshot, started

pytestmark = pytest.mark.django_db


def in_days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def ricks_objective(workspace, **data) -> Objective:
    data = {"title": "Ask every customer for consent", "indicator": CONSENT,
            "scope": f"owner:{workspace.rep.pk}", "target": 0.75, "deadline": in_days(100), **data}  # fmt: skip
    return objective_create(actor=workspace.rep, data=data)


def test_the_baseline_is_the_indicator_today_over_the_scope(workspace, ricks_people):
    objective = ricks_objective(workspace)
    assert objective.baseline == pytest.approx(0.25)  # 1 of rick's 4 people
    assert (objective.scope_kind, objective.scope_id, objective.owner) == (
        "owner",
        workspace.rep.pk,
        workspace.rep,
    )
    assert objective.start == timezone.localdate()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"target": 0.2}, "target"),  # higher is better, and 0.25 already
        ({"target": 75}, "target"),  # a share is 0–1
        ({"target": "lots"}, "target"),
        ({"deadline": in_days(0)}, "deadline"),
        ({"deadline": "next spring"}, "deadline"),
        ({"deadline": in_days(6 * 366)}, "deadline"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_objectives_are_refused_with_the_field_named(workspace, ricks_people, data, field):
    with pytest.raises(ValidationFailed) as caught:
        ricks_objective(workspace, **data)
    assert field in caught.value.detail
    assert not Objective.objects.exists()


def test_an_indicator_without_a_value_gives_no_baseline(workspace):
    with pytest.raises(ValidationFailed) as caught:
        ricks_objective(workspace)  # rick has no people: no share to start from
    assert "no value yet" in caught.value.detail["indicator"][0]


def test_who_may_set_objectives_for_which_scope(workspace, ricks_people):
    def attempt(actor, scope):
        return objective_create(actor=actor, data={"title": "T", "indicator": CONSENT, "scope": scope,
                                                   "target": 0.9, "deadline": in_days(30)})  # fmt: skip

    with pytest.raises(PermissionDenied):
        attempt(workspace.rep, "workspace")
    with pytest.raises(PermissionDenied):
        attempt(workspace.rep, f"team:{workspace.north.pk}")
    with pytest.raises(PermissionDenied):
        attempt(workspace.manager, f"team:{workspace.south.pk}")
    with pytest.raises(PermissionDenied):
        attempt(workspace.viewer, f"owner:{workspace.viewer.pk}")
    assert attempt(workspace.manager, f"team:{workspace.north.pk}").baseline == pytest.approx(0.25)
    assert attempt(workspace.manager, f"owner:{workspace.rep.pk}").owner == workspace.manager
    assert attempt(workspace.admin, "workspace").scope_kind == "workspace"


def test_who_sees_an_objective(workspace, ricks_people):
    objective = ricks_objective(workspace)
    assert objective_get(user=workspace.manager, pk=objective.pk) == objective
    assert objective_get(user=workspace.admin, pk=objective.pk) == objective
    with pytest.raises(NotFound):
        objective_get(user=workspace.other_rep, pk=objective.pk)
    assert objective_list(user=workspace.other_rep) == []
    assert [row.objective for row in objective_list(user=workspace.rep)] == [objective]


def test_changes_keep_the_baseline_and_check_the_version(workspace, ricks_people):
    objective = ricks_objective(workspace)
    changed = objective_update(actor=workspace.rep, objective=objective,
                               data={"target": 0.9, "title": "Consent from nine in ten"}, expected_version=1)  # fmt: skip
    assert (changed.target, changed.baseline, changed.version) == (0.9, 0.25, 2)
    with pytest.raises(StaleVersion):
        objective_update(
            actor=workspace.rep, objective=objective, data={"target": 0.8}, expected_version=1
        )
    with pytest.raises(PermissionDenied):
        objective_update(actor=workspace.other_rep, objective=objective, data={"target": 0.8})
    with pytest.raises(ValidationFailed):
        objective_update(actor=workspace.rep, objective=objective, data={"target": 0.1})
    objective_delete(actor=workspace.rep, objective=objective)
    assert not Objective.objects.exists()


def test_an_objective_that_falls_behind_notifies_its_owner_once(workspace, ricks_people):
    # Set 60 days ago with 40 to go: by now 60 % of the way from 0.25 to 0.75 is expected
    # (0.55); snapshots flat at 0.25 give progress 0 and a flat trend: off track.
    objective = started(ricks_objective(workspace), days_ago=60, days_left=40)
    for days_ago in (50, 30, 10):
        snapshot(objective, days_ago, 0.25)
    snapshot_take()  # today's snapshot: still 0.25; emits indicators.snapshot_taken
    dispatch_events()  # the worker's job: objectives evaluate, then the owner is told
    dispatch_events()
    objective.refresh_from_db()
    assert objective.status == "off_track" and objective.evaluated_on == timezone.localdate()
    notes = Notification.objects.filter(user=workspace.rep, kind="objective")
    assert [n.title for n in notes] == ["Objective off track: Ask every customer for consent"]
    assert notes[0].url == f"/objectives/{objective.pk}/"
    # Evaluating again changes nothing and tells nobody twice
    assert objectives_evaluate() == 0
    dispatch_events()
    assert notes.count() == 1


def test_an_objective_on_its_way_is_on_track_and_a_reached_one_achieved(workspace, ricks_people):
    objective = started(ricks_objective(workspace), days_ago=50, days_left=50)
    snapshot(objective, 25, 0.4)  # half way through, expected 0.5: progress 0.3 …
    snapshot(objective, 1, 0.5)  # … now 0.5: progress 0.5 against 0.49 expected
    assert objectives_evaluate() == 0  # on track, as it was created
    snapshot(objective, 0, 0.8)
    assert objectives_evaluate() == 1
    objective.refresh_from_db()
    assert objective.status == "achieved"
