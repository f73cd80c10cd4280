"""Domain events and their outbox (rapport.core.events): written with the change or not
at all, in-transaction subscribers inside it, after-commit consumers once each, in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from rapport.core.events import dispatch_events, emit, subscribe, unsubscribe
from rapport.core.models import AuditEvent, EventCursor, OutboxEvent
from rapport.dedupe.models import MatchKey
from rapport.people.models import Organization
from rapport.people.services import (
    organization_create,
    organization_delete,
    organization_update,
    person_delete,
    person_update,
)

PERSON_EVENTS = ("person.created", "person.updated", "person.deleted", "person.restored")
CONSUMER = "tests.recorder"


class Boom(Exception):
    pass


@pytest.fixture
def recorder() -> Iterator[list[tuple[int, str, tuple[int, ...]]]]:
    """An after-commit consumer of people's events that notes what it was given."""
    seen: list[tuple[int, str, tuple[int, ...]]] = []

    def handler(event: OutboxEvent) -> None:
        seen.append((event.pk, event.name, tuple(event.entity_ids)))

    for name in PERSON_EVENTS:
        subscribe(name, handler, phase="after_commit", consumer=CONSUMER)
    yield seen
    for name in PERSON_EVENTS:
        unsubscribe(name, handler)


def _events(name: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(name=name).order_by("id"))


def test_an_event_exists_if_and_only_if_its_transaction_commits(workspace: Any) -> None:
    # (A test runs in a transaction of its own: the services' blocks are savepoints in it,
    # rolled back the same way; the worker-crash test commits for real.)
    # Given an organisation created
    org = organization_create(actor=workspace.rep, data={"name": "Acme GmbH"})
    assert [e.entity_ids for e in _events("organization.created")] == [[org.pk]]
    keys_before = set(MatchKey.objects.filter(record_id=org.pk).values_list("key", flat=True))
    assert keys_before  # the in-transaction subscriber built its duplicate-check keys
    # When a rename and a new organisation are rolled back
    with pytest.raises(Boom), transaction.atomic():
        organization_update(actor=workspace.rep, organization=org, data={"name": "Contoso"})
        organization_create(actor=workspace.rep, data={"name": "Fabrikam"})
        raise Boom
    # Then neither left an event, and the subscribers' effects rolled back with them
    assert _events("organization.updated") == []
    assert len(_events("organization.created")) == 1
    assert not Organization.objects.filter(name="Fabrikam").exists()
    assert (
        set(MatchKey.objects.filter(record_id=org.pk).values_list("key", flat=True)) == keys_before
    )
    # And a committed rename has its event and its keys
    organization_update(actor=workspace.rep, organization=org, data={"name": "Contoso"})
    (updated,) = _events("organization.updated")
    assert updated.entity_ids == [org.pk] and updated.fields == ["name"]
    assert updated.actor_id == workspace.rep.pk
    assert (
        set(MatchKey.objects.filter(record_id=org.pk).values_list("key", flat=True)) != keys_before
    )


def test_after_commit_consumers_get_each_event_once_after_the_commit(
    workspace: Any, make_person: Any, recorder: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    # Given a person created and edited (each commit enqueues a dispatch; jobs run inline)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ana = make_person()
        assert recorder == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        person_update(actor=workspace.rep, person=ana, data={"last_name": "Lima"})
    assert len(callbacks) == 1  # one dispatch per transaction
    # Then the consumer had both, once each, in order, and they are marked dispatched
    names = [name for _, name, _ in recorder]
    assert names == ["person.created", "person.updated"]
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    # And a rolled-back edit was never delivered
    with pytest.raises(Boom), transaction.atomic():
        person_update(actor=workspace.rep, person=ana, data={"last_name": "Costa"})
        raise Boom
    dispatch_events()
    assert [name for _, name, _ in recorder] == names


def test_dispatch_twice_delivers_each_event_once(
    workspace: Any, make_person: Any, recorder: list[Any]
) -> None:
    ana, bea = make_person(), make_person(first_name="Bea")
    person_update(actor=workspace.rep, person=ana, data={"last_name": "Lima"})
    # When the dispatcher runs twice (the enqueued job and the periodic one)
    dispatch_events()
    dispatch_events()
    # Then each event reached the consumer once, and its cursor is at the last one
    ids = [e.pk for e in OutboxEvent.objects.filter(name__in=PERSON_EVENTS).order_by("id")]
    assert [pk for pk, _, _ in recorder] == ids and len(ids) == 3
    assert EventCursor.objects.get(consumer=CONSUMER).last_event_id == ids[-1]
    assert {ids for _, _, ids in recorder} == {(ana.pk,), (bea.pk,)}


def test_a_consumer_cursor_survives_a_restart(workspace: Any, make_person: Any) -> None:
    first: list[str] = []
    again: list[str] = []

    def before_restart(event: OutboxEvent) -> None:
        first.append(event.name)

    def after_restart(event: OutboxEvent) -> None:
        again.append(event.name)

    for name in PERSON_EVENTS:
        subscribe(name, before_restart, phase="after_commit", consumer="tests.durable")
    ana = make_person()
    dispatch_events()
    # When the process starts again: the registry is rebuilt, with the same consumer name
    for name in PERSON_EVENTS:
        unsubscribe(name, before_restart)
    for name in PERSON_EVENTS:
        subscribe(name, after_restart, phase="after_commit", consumer="tests.durable")
    try:
        person_delete(actor=workspace.rep, person=ana)
        dispatch_events()
    finally:
        for name in PERSON_EVENTS:
            unsubscribe(name, after_restart)
    # Then it picks up after its stored cursor: only the new event
    assert first == ["person.created"] and again == ["person.deleted"]
    assert EventCursor.objects.get(consumer="tests.durable").last_event_id == (
        _events("person.deleted")[0].pk
    )


def test_a_failing_consumer_keeps_each_records_order(workspace: Any, make_person: Any) -> None:
    seen: list[str] = []
    failing = {"person.updated"}

    def handler(event: OutboxEvent) -> None:
        # A database effect, which must roll back with a failure
        AuditEvent.objects.create(action="update", entity_type="test", entity_id=event.pk)
        if event.name in failing:
            raise Boom
        seen.append(event.name)

    for name in PERSON_EVENTS:
        subscribe(name, handler, phase="after_commit", consumer="tests.flaky")
    try:
        ana = make_person()
        person_update(actor=workspace.rep, person=ana, data={"last_name": "Lima"})
        person_delete(actor=workspace.rep, person=ana)
        # When the consumer fails on the update
        dispatch_events()
        # Then it stopped there: the delete waits, the failed attempt left nothing
        assert seen == ["person.created"]
        assert AuditEvent.objects.filter(entity_type="test").count() == 1
        assert _events("person.deleted")[0].dispatched_at is None
        # And once it works again, it goes on in order
        failing.clear()
        dispatch_events()
    finally:
        for name in PERSON_EVENTS:
            unsubscribe(name, handler)
    assert seen == ["person.created", "person.updated", "person.deleted"]
    assert AuditEvent.objects.filter(entity_type="test").count() == 3
    assert _events("person.deleted")[0].dispatched_at is not None


def test_in_transaction_subscribers_undo_the_change_when_they_fail(
    workspace: Any, make_org: Any
) -> None:
    org = make_org(name="Acme")

    def refuse(event: OutboxEvent) -> None:
        raise Boom

    subscribe("organization.updated", refuse)
    try:
        with pytest.raises(Boom):
            organization_update(actor=workspace.rep, organization=org, data={"name": "Contoso"})
    finally:
        unsubscribe("organization.updated", refuse)
    org.refresh_from_db()
    assert org.name == "Acme" and _events("organization.updated") == []


def test_events_carry_ids_and_field_names_not_personal_data(
    workspace: Any, make_person: Any, make_org: Any
) -> None:
    ana = make_person(first_name="Zebulon", emails=["zeb@example.com"], phones=["+14155550199"])
    person_update(actor=workspace.rep, person=ana, data={"last_name": "Quixote"})
    org = make_org(name="Zebulon Works")
    organization_delete(actor=workspace.rep, organization=org)
    stored = json.dumps(
        list(OutboxEvent.objects.values("name", "entity_type", "entity_ids", "fields"))
    )
    for value in ("Zebulon", "zeb@example.com", "4155550199", "Quixote", "Souza"):
        assert value not in stored
    (created,) = _events("person.created")
    assert {"first_name", "last_name"} <= set(created.fields)
    assert _events("person.updated")[0].fields == ["last_name"]
    assert _events("organization.deleted")[0].entity_ids == [org.pk]


def test_emit_belongs_inside_a_transaction_and_names_a_record(db: Any) -> None:
    with pytest.raises(ValueError), transaction.atomic():
        emit("person.updated", entity_type="person", entity_ids=[])
    # (Under pytest-django the test itself runs in a transaction; outside one it refuses.)


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        emit("person.updated", entity_type="person", entity_ids=[1])
    assert not OutboxEvent.objects.exists()
