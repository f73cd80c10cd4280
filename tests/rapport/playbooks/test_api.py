"""/models and /indicators/{key}/people: values, history and drill-downs, cut to the caller."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.playbooks.services import snapshot_take
from tests.rapport.playbooks.builders import person

pytestmark = pytest.mark.django_db


def test_the_models_are_listed_with_their_steps(workspace: Any, api_as: Any) -> None:
    body = api_as(workspace.viewer).get("/api/v1/models").json()
    assert [m["key"] for m in body] == ["idic", "value_chain", "payne_frow", "qci", "gartner"]
    assert [s["key"] for s in body[0]["steps"]] == [
        "identify", "differentiate", "interact", "customize",
    ]  # fmt: skip
    assert len(body[2]["supporting"]) == 4


def test_a_model_carries_values_history_and_a_drilldown_link(workspace: Any, api_as: Any) -> None:
    person(workspace.rep, email_consent="granted")
    snapshot_take(day=timezone.localdate() - dt.timedelta(days=1))
    person(workspace.rep)
    snapshot_take()

    body = api_as(workspace.admin).get("/api/v1/models/idic").json()
    assert body["scope"] == "workspace"
    consent = next(
        i for i in body["steps"][0]["indicators"] if i["key"] == "identify.consent_known_share"
    )
    assert consent["value"] == 0.5 and consent["as_of"] == timezone.localdate().isoformat()
    assert [p["value"] for p in consent["history"]] == [1.0, 0.5]
    assert consent["people"].endswith(
        "/api/v1/indicators/identify.consent_known_share/people?scope=workspace"
    )
    assert body["steps"][0]["features"][0] == {"label": "People", "url": "/people/"}


def test_a_reps_model_values_count_only_what_they_may_see(workspace: Any, api_as: Any) -> None:
    person(workspace.rep, email_consent="granted")
    person(workspace.other_rep)
    snapshot_take()
    body = api_as(workspace.rep).get("/api/v1/models/idic").json()
    consent = body["steps"][0]["indicators"][2]
    # The workspace snapshot (1 of 2) covers a record rick may not see: computed for him
    assert consent["value"] == 1.0 and consent["as_of"] is None and consent["history"] == []


def test_the_drilldown_pages_through_visible_people_only(workspace: Any, api_as: Any) -> None:
    mine = [person(workspace.rep) for _ in range(3)]
    person(workspace.other_rep)
    client = api_as(workspace.rep)
    url = "/api/v1/indicators/identify.consent_known_share/people?limit=2"
    first = client.get(url).json()
    second = client.get(first["next"]).json()
    listed = [p["id"] for p in first["results"] + second["results"]]
    assert sorted(listed) == sorted(p.pk for p in mine) and second["next"] is None


def test_bad_keys_and_scopes_are_clear_errors(workspace: Any, api_as: Any) -> None:
    client = api_as(workspace.rep)
    assert client.get("/api/v1/models/nope").status_code == 404
    assert client.get("/api/v1/indicators/nope/people").status_code == 404
    assert client.get("/api/v1/indicators/differentiate.gini/people").status_code == 200
    assert (
        client.get("/api/v1/indicators/interact.median_days_since_touch/people").status_code == 404
    )
    bad = client.get("/api/v1/models/idic?scope=team:abc")
    assert bad.status_code == 422 and "scope" in bad.json()["detail"]
