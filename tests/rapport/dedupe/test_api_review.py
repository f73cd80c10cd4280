"""The duplicates API: clusters to review, scans on demand, "not a duplicate"."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client

from rapport.dedupe.models import (
    DuplicateCluster,
    DuplicateDecision,
    DuplicatePair,
    ScanRun,
)

API = "/api/v1/duplicates"


def _cluster(entity: str, certainty: float, *ids: int, scan: ScanRun | None = None) -> Any:
    scan = scan or ScanRun.objects.create(entity=entity, status="done")
    cluster = DuplicateCluster.objects.create(entity=entity, scan=scan, certainty=certainty,
                                              size=len(ids))  # fmt: skip
    for a, b in itertools.pairwise(ids):
        DuplicatePair.objects.create(cluster=cluster, entity=entity, record_a=min(a, b),
                                     record_b=max(a, b), score=certainty,
                                     reasons=["same e-mail"])  # fmt: skip
    return cluster


@pytest.fixture
def clusters(workspace: Any, make_person: Any, make_org: Any) -> dict[str, Any]:
    ana1, ana2 = make_person(), make_person()
    bo1, bo2, bo3 = (make_person(first_name="Bo", last_name="Li") for _ in range(3))
    sams = make_person(actor=workspace.other_rep), make_person(actor=workspace.other_rep)
    acme1, acme2 = make_org(name="Acme"), make_org(name="ACME GmbH")
    return {
        "ana": _cluster("person", 0.80, ana1.pk, ana2.pk),
        "bo": _cluster("person", 0.95, bo1.pk, bo2.pk, bo3.pk),
        "mixed": _cluster("person", 0.99, ana1.pk, sams[0].pk),  # one record hidden from rick
        "south": _cluster("person", 0.70, *(p.pk for p in sams)),
        "acme": _cluster("organization", 0.90, acme1.pk, acme2.pk),
        "people": (ana1, ana2),
    }


def test_clusters_most_certain_first_and_only_fully_visible(
    client: Client, workspace: Any, clusters: dict[str, Any]
) -> None:
    # When rick lists people's clusters
    client.force_login(workspace.rep)
    response = client.get(f"{API}/clusters", {"entity": "person"})
    # Then he sees his two, most certain first, never one with a record he may not see
    assert response.status_code == 200
    results = response.json()["results"]
    assert [c["id"] for c in results] == [clusters["bo"].pk, clusters["ana"].pk]
    bo = results[0]
    assert [r["name"] for r in bo["records"]] == ["Bo Li"] * 3 and len(bo["pairs"]) == 2
    assert bo["pairs"][0]["summary"] == "same e-mail, 95%"
    # And sam sees only South's cluster; the admin sees every one
    client.force_login(workspace.other_rep)
    assert [c["id"] for c in client.get(f"{API}/clusters").json()["results"]] == [
        clusters["south"].pk
    ]
    client.force_login(workspace.admin)
    assert len(client.get(f"{API}/clusters").json()["results"]) == 5


def test_clusters_page_with_a_cursor_and_filter(
    client: Client, workspace: Any, clusters: dict[str, Any]
) -> None:
    client.force_login(workspace.admin)
    seen, url = [], f"{API}/clusters?limit=2"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 2
        seen += [c["certainty"] for c in page["results"]]
        url = page["next"]
    assert seen == [0.99, 0.95, 0.90, 0.80, 0.70]
    orgs = client.get(f"{API}/clusters", {"entity": "organization"}).json()["results"]
    assert [c["id"] for c in orgs] == [clusters["acme"].pk]
    clusters["ana"].status = "dismissed"
    clusters["ana"].save()
    dismissed = client.get(f"{API}/clusters", {"status": "dismissed"}).json()["results"]
    assert [c["id"] for c in dismissed] == [clusters["ana"].pk]
    assert client.get(f"{API}/clusters", {"entity": "robot"}).status_code == 422
    assert client.get(f"{API}/clusters", {"cursor": "forged"}).status_code == 400


def test_one_cluster_hidden_unless_every_record_is_visible(
    client: Client, workspace: Any, clusters: dict[str, Any]
) -> None:
    client.force_login(workspace.rep)
    assert client.get(f"{API}/clusters/{clusters['ana'].pk}").json()["size"] == 2
    hidden = client.get(f"{API}/clusters/{clusters['mixed'].pk}")
    assert hidden.status_code == 404 and "detail" in hidden.json()


def test_starting_a_scan_answers_202_and_a_second_request_reuses_it(
    client: Client, workspace: Any
) -> None:
    client.force_login(workspace.rep)
    first = client.post(f"{API}/scans", {"entity": "organization"}, content_type="application/json")
    assert first.status_code == 202 and first.json()["status"] == "queued"
    again = client.post(f"{API}/scans", {"entity": "organization"}, content_type="application/json")
    assert again.json()["id"] == first.json()["id"]
    shown = client.get(f"{API}/scans/{first.json()['id']}").json()
    assert shown["entity"] == "organization" and shown["status"] == "queued"
    assert client.get(f"{API}/scans/999999").status_code == 404
    bad = client.post(f"{API}/scans", {"entity": "deals"}, content_type="application/json")
    assert bad.status_code == 422 and "entity" in bad.json()["detail"]


def test_a_scan_requested_through_the_api_runs_in_the_worker(
    client: Client, workspace: Any, make_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_org(name="Acme GmbH"), make_org(name="ACME")
    client.force_login(workspace.rep)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"{API}/scans", {"entity": "organization"},
                              content_type="application/json")  # fmt: skip
    done = client.get(f"{API}/scans/{started.json()['id']}").json()
    assert done["status"] == "done" and done["clusters"] == 1
    [cluster] = client.get(f"{API}/clusters", {"entity": "organization"}).json()["results"]
    assert {r["name"] for r in cluster["records"]} == {"Acme GmbH", "ACME"}


def test_viewers_cannot_start_scans_or_answer_pairs(
    client: Client, workspace: Any, clusters: dict[str, Any]
) -> None:
    client.force_login(workspace.viewer)
    assert client.post(f"{API}/scans", {"entity": "person"},
                       content_type="application/json").status_code == 403  # fmt: skip
    pair = clusters["ana"].pairs.get()
    assert client.post(f"{API}/pairs/{pair.pk}/not-duplicate").status_code == 403
    assert not DuplicateDecision.objects.exists()


def test_not_a_duplicate_is_remembered_and_idempotent(
    client: Client, workspace: Any, clusters: dict[str, Any]
) -> None:
    pair = clusters["ana"].pairs.get()
    client.force_login(workspace.rep)
    response = client.post(f"{API}/pairs/{pair.pk}/not-duplicate")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    decision = DuplicateDecision.objects.get()
    assert (decision.record_a, decision.record_b, decision.decision) == (
        pair.record_a, pair.record_b, "not_duplicate",
    )  # fmt: skip
    clusters["ana"].refresh_from_db()
    assert clusters["ana"].status == "dismissed"
    assert client.post(f"{API}/pairs/{pair.pk}/not-duplicate").status_code == 200
    assert DuplicateDecision.objects.count() == 1
    # A pair with a record sam may not see is "not found" for him
    client.force_login(workspace.other_rep)
    assert client.post(f"{API}/pairs/{pair.pk}/not-duplicate").status_code == 404
