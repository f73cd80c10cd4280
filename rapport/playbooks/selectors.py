"""Reads for the playbook page and API: a model's steps with their indicators' values.

Values come from the latest snapshot when the viewer may see the whole scope the
snapshot covers (so the page never scans the data per request), else they are
computed live over what the viewer may see; history is the snapshots'.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from rapport.accounts.models import Role, Team, User
from rapport.core.errors import NotFound
from rapport.core.indicators import Indicator, Scope, indicator
from rapport.playbooks.annotations import Annotation
from rapport.playbooks.models import IndicatorSnapshot, PlaybookSettings
from rapport.playbooks.models_catalog import MODELS, CrmModel, Step

HISTORY_DAYS = 90


@dataclass(frozen=True)
class HistoryPoint:
    day: dt.date
    value: float | None


@dataclass
class IndicatorState:
    indicator: Indicator
    value: float | None
    breakdown: dict[str, float]
    as_of: dt.date | None  # the snapshot's day; None when computed live just now
    history: list[HistoryPoint] = field(default_factory=list)
    # What other apps say about it on this page (its objectives): playbooks/annotations.py
    notes: list[Annotation] = field(default_factory=list)

    @property
    def has_drilldown(self) -> bool:
        # (templates would call ``indicator.drilldown`` rather than test it)
        return self.indicator.drilldown is not None


@dataclass
class StepState:
    step: Step
    indicators: list[IndicatorState]


@dataclass
class Playbook:
    model: CrmModel
    scope: Scope
    steps: list[StepState]
    supporting: list[StepState]


def model_get(key: str) -> CrmModel:
    model = MODELS.get(key)
    if model is None:
        raise NotFound(f"No CRM model {key!r}; the models are: {', '.join(MODELS)}.")
    return model


def primary_model() -> CrmModel:
    return MODELS.get(PlaybookSettings.current().primary_model) or MODELS["idic"]


def default_scope(user: User) -> Scope:
    """Admins see the workspace; a manager their first team; others their own records."""
    if user.is_admin:
        return Scope(viewer=user)
    if user.role == Role.MANAGER and user.team_ids:
        return Scope("team", min(user.team_ids), user)
    return Scope("owner", user.pk, user)


def scope_choices(user: User) -> list[tuple[Scope, str]]:
    """Scopes offered to ``user``: those whose snapshot they may read, plus the workspace
    (computed over what they may see)."""
    teams = Team.objects.all() if user.is_admin else Team.objects.filter(pk__in=user.team_ids)
    label = "Workspace" if user.is_admin else "Everything I can see"
    choices = [(Scope(viewer=user), label)]
    choices += [(Scope("team", team.pk, user), f"Team {team.name}") for team in teams]
    choices.append((Scope("owner", user.pk, user), "My records"))
    return choices


def _history(keys: list[str], scope: Scope) -> dict[str, list[IndicatorSnapshot]]:
    since = timezone.localdate() - dt.timedelta(days=HISTORY_DAYS)
    rows = IndicatorSnapshot.objects.filter(
        indicator__in=keys, scope_kind=scope.kind, scope_id=scope.id or 0, day__gt=since
    ).order_by("indicator", "day")
    by_key: dict[str, list[IndicatorSnapshot]] = defaultdict(list)
    for row in rows:
        by_key[row.indicator].append(row)
    return by_key


def indicator_states(keys: list[str], scope: Scope) -> dict[str, IndicatorState]:
    """Each registered key's value and history in ``scope``."""
    found = [i for key in dict.fromkeys(keys) if (i := indicator(key)) is not None]
    stored = _history([i.key for i in found], scope) if scope.sees_everything_in_it() else {}
    states = {}
    for item in found:
        history = stored.get(item.key, [])
        if history:
            latest = history[-1]
            value, breakdown, as_of = latest.value, latest.breakdown, latest.day
        else:
            reading = item.compute(scope)
            value, breakdown, as_of = reading.value, reading.breakdown, None
        points = [HistoryPoint(row.day, row.value) for row in history]
        states[item.key] = IndicatorState(item, value, breakdown, as_of, points)
    return states


def playbook(*, model: CrmModel, scope: Scope) -> Playbook:
    keys = [key for step in model.all_steps() for key in step.indicators]
    states = indicator_states(keys, scope)

    def step_state(step: Step) -> StepState:
        return StepState(step, [states[k] for k in step.indicators if k in states])

    return Playbook(
        model=model,
        scope=scope,
        steps=[step_state(s) for s in model.steps],
        supporting=[step_state(s) for s in model.supporting],
    )
