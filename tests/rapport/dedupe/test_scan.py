"""Whole-database scans: clusters stored for review, decisions remembered, labels refit the model."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command

from rapport.dedupe.models import (
    DuplicateCluster,
    DuplicatePair,
    MatchKey,
    ModelState,
    ScanRun,
)
from rapport.dedupe.scan import scan_run
from rapport.dedupe.services import decision_record, not_duplicate, scan_enqueue, scan_request


def _people(make_person: Any) -> dict[str, Any]:
    return {
        "ana": make_person(first_name="Ana", last_name="Souza", emails=["ana@example.com"],
                           phones=["+14155550123"], birthday=None),
        "ana2": make_person(first_name="Anna", last_name="Souza", emails=["ANA@example.com"],
                            phones=["(415) 555-0123"]),
        "bob": make_person(first_name="Robert", last_name="Lima", emails=["bob@lima.example"],
                           street="1 Main St", postcode="12345"),
        "bob2": make_person(first_name="Bob", last_name="Lima", emails=["bob@lima.example"],
                            street="1 Main Street", postcode="12345"),
        "carla": make_person(first_name="Carla", last_name="Lima", street="1 Main St",
                             postcode="12345"),
    }  # fmt: skip


def _pairs() -> set[tuple[int, int]]:
    return set(DuplicatePair.objects.filter(status="open").values_list("record_a", "record_b"))


def test_scan_job_stores_clusters_most_certain_first(
    workspace: Any, make_person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = _people(make_person)
    # When a scan is started from the page (the job runs inline in tests, after commit)
    with django_capture_on_commit_callbacks(execute=True):
        run = scan_enqueue(entity="person", requested_by=workspace.rep)
    run.refresh_from_db()
    # Then it finished and stored the two duplicate pairs, not the sister at the same address
    assert run.status == "done" and run.records == 5
    ana, ana2, bob, bob2 = (people[k].pk for k in ("ana", "ana2", "bob", "bob2"))
    assert _pairs() == {(min(ana, ana2), max(ana, ana2)), (min(bob, bob2), max(bob, bob2))}
    clusters = list(DuplicateCluster.objects.all())
    assert len(clusters) == 2 and clusters[0].certainty >= clusters[1].certainty
    assert all(p.reasons for p in DuplicatePair.objects.all())
    # And it stored the workspace's model and rebuilt the key table
    assert ModelState.objects.get(entity="person").records == 5
    assert MatchKey.objects.filter(entity="person", record_id=people["carla"].pk).exists()


def test_not_a_duplicate_is_not_proposed_again(workspace: Any, make_person: Any) -> None:
    people = _people(make_person)
    scan_run(scan_request(entity="person", requested_by=None).pk)
    # When the reviewer says the Anas are different people
    not_duplicate(actor=workspace.rep, entity="person", record_a=people["ana2"].pk,
                  record_b=people["ana"].pk)  # fmt: skip
    assert (
        DuplicatePair.objects.get(record_a=min(people["ana"].pk, people["ana2"].pk)).status
        == "dismissed"
    )
    # Then the next scan does not propose them
    scan_run(scan_request(entity="person", requested_by=None).pk)
    assert {people["ana"].pk, people["ana2"].pk} - {x for p in _pairs() for x in p} == {
        people["ana"].pk, people["ana2"].pk}  # fmt: skip
    assert len(_pairs()) == 1


def test_labels_refit_the_model(workspace: Any, make_person: Any) -> None:
    people = _people(make_person)
    scan_run(scan_request(entity="person", requested_by=None).pk)
    unlabelled = ModelState.objects.get(entity="person").data
    # Given reviewers labelled both pairs
    decision_record(actor=workspace.rep, entity="person", record_a=people["ana"].pk,
                    record_b=people["ana2"].pk, decision="not_duplicate")  # fmt: skip
    decision_record(actor=workspace.rep, entity="person", record_a=people["bob"].pk,
                    record_b=people["bob2"].pk, decision="duplicate")  # fmt: skip
    # When the scan runs again
    scan_run(scan_request(entity="person", requested_by=None).pk)
    # Then the stored model was fitted with the two labels and differs from before
    state = ModelState.objects.get(entity="person")
    assert state.labels == 2
    assert state.data != unlabelled


def test_second_request_while_queued_reuses_the_run(workspace: Any) -> None:
    first = scan_request(entity="person", requested_by=workspace.rep)
    assert scan_request(entity="person", requested_by=workspace.rep).pk == first.pk


def test_organisation_scan_finds_legal_suffix_variants(workspace: Any, make_org: Any) -> None:
    acme = make_org(name="Acme Ltd", domain="acme.example")
    acme2 = make_org(name="ACME Limited", domain="www.acme.example")
    make_org(name="Acme Bakery", domain="bakery.example")
    run = scan_run(scan_request(entity="organization", requested_by=None).pk)
    assert run.status == "done"
    pair = DuplicatePair.objects.get(entity="organization")
    assert (pair.record_a, pair.record_b) == (acme.pk, acme2.pk)
    assert "same domain" in pair.reasons and "same name" in pair.reasons


def test_command_scans_and_reports(workspace: Any, make_person: Any, make_org: Any) -> None:
    _people(make_person)
    out = StringIO()
    call_command("duplicates", "scan", stdout=out)
    text = out.getvalue()
    assert "person: 5 records" in text and "2 clusters" in text
    assert ScanRun.objects.filter(status="done").count() == 2


def test_demo_data_has_duplicates_to_review(db: Any) -> None:
    import random

    from rapport.dedupe.demo import seed_demo
    from rapport.people.demo import ensure_demo_users, seed_organizations, seed_people

    rng = random.Random(3)
    teams = ensure_demo_users(rng)
    orgs = seed_organizations(count=20, teams=teams, rng=rng)
    seed_people(count=150, teams=teams, org_ids=orgs, rng=rng)
    out = StringIO()
    seed_demo(rng=rng, people=150, stdout=out)
    assert "3 people entered twice" in out.getvalue()
    assert DuplicateCluster.objects.filter(entity="person").count() == 3
    assert MatchKey.objects.filter(entity="person").values("record_id").distinct().count() == 150


def test_a_run_abandoned_by_a_dead_worker_does_not_block_new_scans(workspace: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    stuck = ScanRun.objects.create(entity="person", status="running",
                                   created_at=timezone.now() - dt.timedelta(hours=7))  # fmt: skip
    fresh = scan_request(entity="person", requested_by=workspace.rep)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == "failed"
