"""The objectives pages: set one from the form (shares in per cent), follow it, change it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from rapport.objectives.models import Objective
from tests.rapport.objectives.conftest import CONSENT, snapshot, started

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def deadline(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_a_rep_sets_an_objective_and_follows_it(workspace, ricks_people):
    rick = signed_in(workspace.rep)
    form = rick.get(f"/objectives/new/?indicator={CONSENT}")
    assert form.status_code == 200
    assert f'<option value="owner:{workspace.rep.pk}"' in form.text
    assert 'value="workspace"' not in form.text  # the workspace's objectives are the admin's
    response = rick.post("/objectives/new/", {"title": "Consent from most customers", "indicator": CONSENT,
                                              "scope": f"owner:{workspace.rep.pk}", "target": "75",
                                              "deadline": deadline(100), "owner": ""})  # fmt: skip
    objective = Objective.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/objectives/{objective.pk}/"
    assert (objective.target, objective.baseline, objective.owner) == (0.75, 0.25, workspace.rep)

    started(objective, days_ago=20, days_left=80)
    for days_ago, value in ((20, 0.25), (10, 0.35), (0, 0.45)):
        snapshot(objective, days_ago, value)
    page = rick.get(f"/objectives/{objective.pk}/")
    assert page.status_code == 200
    # 0.25 → 0.45 of the way to 0.75 is 40 %; 20 of 100 days expect 20 %
    assert "40 % of the way, 20 % expected by now" in page.text
    assert 'class="chart-actual"' in page.text and 'class="chart-projection"' in page.text
    listing = rick.get("/objectives/")
    assert "Consent from most customers" in listing.text and "On track" in listing.text
    assert "Identify" in listing.text  # listed under the IDIC step that measures it


def test_form_errors_come_back_on_their_fields(workspace, ricks_people):
    response = signed_in(workspace.rep).post("/objectives/new/", {
        "title": "", "indicator": CONSENT, "scope": f"owner:{workspace.rep.pk}",
        "target": "10", "deadline": "2001-01-01"})  # fmt: skip
    assert response.status_code == 422
    assert "Say what the objective is" in response.text
    assert "The deadline must be after today." in response.text
    assert "Higher is better here and it is already 0.25" in response.text
    assert not Objective.objects.exists()


def test_change_and_remove_from_the_page(workspace, ricks_people):
    rick = signed_in(workspace.rep)
    rick.post("/objectives/new/", {"title": "Consent", "indicator": CONSENT, "scope": f"owner:{workspace.rep.pk}",
                                   "target": "60", "deadline": deadline(30)})  # fmt: skip
    objective = Objective.objects.get()
    saved = rick.post(f"/objectives/{objective.pk}/", {"title": "Consent, sooner", "target": "90",
                                                       "deadline": deadline(20), "owner": str(workspace.rep.pk),
                                                       "version": "1"})  # fmt: skip
    assert saved.status_code == 302
    objective.refresh_from_db()
    assert (objective.title, objective.target, objective.version) == ("Consent, sooner", 0.9, 2)
    # sam (South) may not see it, let alone change or remove it
    sam = signed_in(workspace.other_rep)
    assert sam.get(f"/objectives/{objective.pk}/").status_code == 404
    assert sam.post(f"/objectives/{objective.pk}/delete/").status_code == 404
    assert rick.post(f"/objectives/{objective.pk}/delete/").status_code == 302
    assert not Objective.objects.exists()
