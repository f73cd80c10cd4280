"""/api/v1/objectives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.rapport.objectives.conftest import CONSENT

pytestmark = pytest.mark.django_db


def test_set_read_change_and_remove(workspace, ricks_people, api_as):
    rick = api_as(workspace.rep)
    body = {"title": "Consent", "indicator": CONSENT, "scope": f"owner:{workspace.rep.pk}", "target": 0.6,
            "deadline": (timezone.localdate() + dt.timedelta(days=60)).isoformat()}  # fmt: skip
    created = rick.post("/api/v1/objectives", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["baseline"], data["status"], data["owner_id"], data["history"]) == (
        0.25,
        "on_track",
        workspace.rep.pk,
        [],
    )
    pk = data["id"]
    assert [o["id"] for o in rick.get("/api/v1/objectives").json()] == [pk]
    assert api_as(workspace.other_rep).get(f"/api/v1/objectives/{pk}").status_code == 404

    stale = rick.patch(f"/api/v1/objectives/{pk}", {"target": 0.7}, content_type="application/json",
                       headers={"If-Match": f'"{pk}-0"'})  # fmt: skip
    assert stale.status_code == 412
    changed = rick.patch(f"/api/v1/objectives/{pk}", {"target": 0.7}, content_type="application/json",
                         headers={"If-Match": f'"{pk}-1"'})  # fmt: skip
    assert (
        changed.status_code == 200
        and changed.json()["target"] == 0.7
        and changed.json()["version"] == 2
    )
    bad = rick.patch(f"/api/v1/objectives/{pk}", {"target": 1.5}, content_type="application/json")
    assert bad.status_code == 422 and "target" in bad.json()["detail"]
    assert rick.delete(f"/api/v1/objectives/{pk}").status_code == 204
    assert rick.get(f"/api/v1/objectives/{pk}").status_code == 404


def test_a_workspace_objective_is_the_admins(workspace, ricks_people, api_as):
    body = {"title": "Consent", "indicator": CONSENT, "scope": "workspace", "target": 0.6,
            "deadline": (timezone.localdate() + dt.timedelta(days=60)).isoformat()}  # fmt: skip
    assert (
        api_as(workspace.rep)
        .post("/api/v1/objectives", body, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        api_as(workspace.admin)
        .post("/api/v1/objectives", body, content_type="application/json")
        .status_code
        == 201
    )
