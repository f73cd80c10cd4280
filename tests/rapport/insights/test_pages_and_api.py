"""The portfolio, value panel, segment pages and the segments API, as users meet them."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rapport.insights.models import Segment, StrategicFlag
from rapport.insights.recompute import insights_recompute

JSON = "application/json"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_portfolio_shows_charts_and_diagnostics(seeded: Any, workspace: Any) -> None:
    insights_recompute(triggered_by=None)
    page = _client(workspace.admin).get("/insights/portfolio/").content.decode()
    assert 'class="chart lorenz"' in page and "Top 20%:" in page
    assert 'class="chart histogram"' in page and 'class="chart buckets"' in page
    assert "Gini coefficient" in page and "At risk and valuable" in page
    assert "Recompute now" in page
    assert "103" in page  # customers scored


def test_the_portfolio_only_aggregates_what_the_user_sees(seeded: Any, workspace: Any) -> None:
    insights_recompute(triggered_by=None)
    rick = _client(workspace.rep).get("/insights/portfolio/")
    sam = _client(workspace.other_rep).get("/insights/portfolio/")
    assert rick.context["data"].customers == 63  # 60 North people, Ana, Bob and Acme
    assert sam.context["data"].customers == 40
    assert "Recompute now" not in sam.content.decode()  # reps cannot recompute


def test_a_rep_cannot_recompute_but_a_manager_can(seeded: Any, workspace: Any) -> None:
    assert _client(workspace.rep).post("/insights/recompute/").status_code == 403
    response = _client(workspace.manager).post(
        "/insights/recompute/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'id="run-status"' in response.content.decode()


def test_the_value_panel_explains_in_plain_words(seeded: Any, workspace: Any) -> None:
    insights_recompute(triggered_by=None)
    insights_recompute(triggered_by=None)
    client = _client(workspace.rep)
    panel = client.get(f"/insights/panel/person/{seeded['bob'].pk}/").content.decode()
    assert "last today" not in panel  # his USD order today is not counted
    assert "Bought on 24 different days" in panel and "chance still active" in panel
    assert '<svg class="sparkline"' in panel
    # a record the user cannot see has no panel
    assert _client(workspace.other_rep).get(
        f"/insights/panel/person/{seeded['bob'].pk}/").status_code == 404  # fmt: skip


def test_flagging_a_customer_needs_a_reason(seeded: Any, workspace: Any) -> None:
    client = _client(workspace.rep)
    url = f"/insights/flags/organization/{seeded['acme'].pk}/"
    empty = client.post(url, {"kind": "benchmark", "reason": " "}, headers={"HX-Request": "true"})
    assert "needs a reason" in empty.content.decode()
    client.post(url, {"kind": "benchmark", "reason": "Others copy their menu"})
    flag = StrategicFlag.objects.get()
    assert flag.set_by == workspace.rep and flag.organization == seeded["acme"]
    assert (
        _client(workspace.viewer).post(url, {"kind": "inspiration", "reason": "x"}).status_code
        == 403
    )


def test_building_a_segment_counts_live_and_saves(workspace: Any, make_person: Any) -> None:
    make_person(first_name="Vip", tags=["vip"])
    make_person(first_name="Plain")
    client = _client(workspace.rep)
    # adding a condition re-renders the form with the live count
    preview = client.post("/insights/segments/new/", {
        "name": "VIPs", "entity": "person", "field": ["tag"], "op": ["eq"], "value": ["vip"],
    }, headers={"HX-Request": "true"})  # fmt: skip
    assert "<strong>1</strong> person match" in preview.content.decode()
    saved = client.post("/insights/segments/new/", {
        "name": "VIPs", "entity": "person", "field": ["tag"], "op": ["eq"], "value": ["vip"],
        "save": "1",
    })  # fmt: skip
    segment = Segment.objects.get()
    assert saved["Location"] == f"/people/?segment={segment.pk}"
    people = client.get(saved["Location"]).content.decode()
    assert "Vip" in people and "Plain" not in people
    listing = client.get("/insights/segments/").content.decode()
    assert "VIPs" in listing and "Tag is vip" in listing


def test_the_segments_api(workspace: Any, make_person: Any, api_as: Any) -> None:
    for i in range(3):
        make_person(first_name=f"Vip{i}", tags=["vip"])
    client = api_as(workspace.rep)
    created = client.post("/api/v1/segments", {"name": "VIPs", "definition": [
        {"field": "tag", "op": "eq", "value": "vip"}]}, content_type=JSON)  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["member_count"] == 3
    url = created["Location"]
    members = client.get(f"{url}/members", {"limit": 2}).json()
    assert len(members["results"]) == 2 and members["next"]
    assert len(client.get(members["next"]).json()["results"]) == 1
    # another rep cannot see a private segment; a stale If-Match is refused
    assert api_as(workspace.other_rep).get(url).status_code == 404
    stale = client.patch(url, {"name": "X"}, content_type=JSON, headers={"If-Match": '"1-7"'})
    assert stale.status_code == 412
    bad = client.patch(url, {"definition": [{"field": "nope", "op": "eq", "value": 1}]},
                       content_type=JSON)  # fmt: skip
    assert bad.status_code == 422
    assert client.delete(url).status_code == 204


def test_the_runs_api_and_recompute(seeded: Any, workspace: Any, api_as: Any) -> None:
    assert api_as(workspace.rep).post("/api/v1/insights/recompute").status_code == 403
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_as(workspace.admin).post("/api/v1/insights/recompute")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    runs = api_as(workspace.viewer).get("/api/v1/insights/runs").json()
    assert runs[0]["status"] == "done" and runs[0]["model"] in {"bgnbd", "pnbd"}
