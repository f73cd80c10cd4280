"""A rep's home: their tasks, their indicators, their objectives, what to do next."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from rapport.activities.models import Task
from rapport.objectives.models import Objective
from rapport.people.models import ConsentStatus
from tests.rapport.playbooks.builders import person

pytestmark = pytest.mark.django_db


def test_my_work_shows_only_my_tasks_and_my_numbers(workspace):
    now = timezone.now()
    Task.objects.create(
        title="Call Ana back", assignee=workspace.rep, due_at=now - dt.timedelta(hours=2)
    )
    Task.objects.create(
        title="Send the quote", assignee=workspace.rep, due_at=now + dt.timedelta(days=3)
    )
    Task.objects.create(title="Sam's own task", assignee=workspace.other_rep, due_at=now)
    person(workspace.rep, email_consent=ConsentStatus.GRANTED)
    person(workspace.rep)  # rick: consent known for 1 of 2
    person(workspace.other_rep, email_consent=ConsentStatus.GRANTED)  # sam's: not rick's number
    today = timezone.localdate()
    Objective.objects.create(
        title="Consent from all", indicator="identify.consent_known_share", scope_kind="owner",
        scope_id=workspace.rep.pk, baseline=0.5, target=1.0, start=today, deadline=today + dt.timedelta(days=30),
        owner=workspace.rep, created_by=workspace.rep,
    )  # fmt: skip
    client = Client()
    client.force_login(workspace.rep)
    page = client.get("/me/")
    assert page.status_code == 200
    text = page.text
    assert "Call Ana back" in text and "Send the quote" in text and "Sam's own task" not in text
    assert '<span class="count-pill">2</span>' in text
    consent = text.split('data-indicator="identify.consent_known_share"')[1]
    assert '<strong class="ind-value">50%</strong>' in consent  # over rick's two people only
    assert "Consent from all (100% by" in text
    assert "What to do next" in text and "50% short of the best." in text
    # and the navigation marks My work, not the playbook
    assert '<a href="/me/" aria-current="page">My work</a>' in text
