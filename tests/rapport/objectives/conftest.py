"""Objectives over "Known e-mail consent" (a share, higher is better): easy to move by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.objectives.models import Objective
from rapport.people.models import ConsentStatus
from rapport.playbooks.models import IndicatorSnapshot
from tests.rapport.playbooks.builders import person

CONSENT = "identify.consent_known_share"


@pytest.fixture
def ricks_people(workspace: Any) -> list[Any]:
    """Four people of rick's, one with a known consent: the share is 1/4."""
    people = [person(workspace.rep) for _ in range(3)]
    people.append(person(workspace.rep, email_consent=ConsentStatus.GRANTED))
    return people


def snapshot(objective: Objective, days_ago: int, value: float) -> None:
    IndicatorSnapshot.objects.create(
        indicator=objective.indicator, scope_kind=objective.scope_kind, scope_id=objective.scope_id,
        day=timezone.localdate() - dt.timedelta(days=days_ago), value=value,
    )  # fmt: skip


def started(objective: Objective, days_ago: int, days_left: int) -> Objective:
    """Move an objective's start into the past, as if it had been set ``days_ago``."""
    today = timezone.localdate()
    Objective.objects.filter(pk=objective.pk).update(
        start=today - dt.timedelta(days=days_ago), deadline=today + dt.timedelta(days=days_left)
    )
    objective.refresh_from_db()
    return objective
