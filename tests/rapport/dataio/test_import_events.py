"""An import batch emits one bulk event per kind of record it wrote (rapport.core.events),
consumed after its commit by the duplicate check."""

from __future__ import annotations

from typing import Any

from rapport.core.events import dispatch_events
from rapport.core.models import EventCursor, OutboxEvent
from rapport.dedupe.models import MatchProfile
from rapport.people.models import Organization, Person
from tests.rapport.dataio.helpers import run

PEOPLE = """Email,First Name,Company Name
ana@mail.example.com,Ana,Acme
bea@mail.example.com,Bea,Globex
"""


def _events(name: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(name=name).order_by("id"))


def test_a_batch_emits_one_event_per_kind_with_the_ids(workspace: Any) -> None:
    # Given a first import: two people created, and the two organisations it named
    run(workspace.rep, PEOPLE, key="email")
    (orgs,) = _events("organization.imported")
    assert sorted(orgs.entity_ids) == sorted(Organization.objects.values_list("pk", flat=True))
    assert orgs.actor_id == workspace.rep.pk
    assert _events("person.imported") == []  # new people got their keys in the batch
    # When a second file changes both people (one batch)
    run(workspace.rep, PEOPLE.replace("Ana,", "Anna,").replace("Bea,", "Beatriz,"), key="email")
    # Then one event names both, and no personal data
    (people,) = _events("person.imported")
    assert sorted(people.entity_ids) == sorted(Person.objects.values_list("pk", flat=True))
    assert people.fields == [] and "Anna" not in str(people.entity_ids)


def test_the_duplicate_check_refreshes_the_batch_after_its_commit(workspace: Any) -> None:
    run(workspace.rep, PEOPLE, key="email")
    ana = Person.objects.get(first_name="Ana")
    run(workspace.rep, PEOPLE.replace("Ana,", "Anna,"), key="email")
    # Not before the commit (the test's transaction never commits: nothing was dispatched)
    assert MatchProfile.objects.get(entity="person", record_id=ana.pk).data["first_name"] == "Ana"
    # When the worker dispatches (twice: the enqueued job and the periodic one)
    dispatch_events()
    dispatch_events()
    # Then her profile follows, and the consumer's cursor is past the event
    assert MatchProfile.objects.get(entity="person", record_id=ana.pk).data["first_name"] == "Anna"
    (event,) = _events("person.imported")
    assert EventCursor.objects.get(consumer="dedupe.imported_people_keys").last_event_id >= event.pk
    assert OutboxEvent.objects.get(pk=event.pk).dispatched_at is not None
