"""What emitting an event does besides the outbox row: the audit row (so the timeline and
audit pages keep working) and the in-transaction subscribers that replaced direct calls
(duplicate-check keys, mention and assignment notifications), all with the change or
not at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from rapport.activities.models import Notification
from rapport.activities.services import activity_log, activity_update
from rapport.activities.task_services import task_create, task_update
from rapport.core.models import AuditEvent, OutboxEvent
from rapport.dedupe.models import MatchKey, MatchProfile
from rapport.people.bulk import bulk_set_stage
from rapport.people.models import Person
from rapport.people.services import (
    organization_create,
    organization_update,
    person_create,
    person_update,
)


class Boom(Exception):
    pass


def _audit(entity_type: str, pk: int) -> list[tuple[str, str, Any, dict[str, Any]]]:
    rows = AuditEvent.objects.filter(entity_type=entity_type, entity_id=pk).order_by("id")
    return [(r.action, r.actor_label, r.actor_id, r.changes) for r in rows]


def test_an_events_audit_row_exists_if_and_only_if_its_transaction_commits(
    workspace: Any, make_person: Any
) -> None:
    # Given a person (created: one audit row, one event)
    ana = make_person(first_name="Ana", last_name="Souza")
    assert [a[0] for a in _audit("person", ana.pk)] == ["create"]
    # When an edit is rolled back
    with pytest.raises(Boom), transaction.atomic():
        person_update(actor=workspace.rep, person=ana, data={"last_name": "Lima"})
        raise Boom
    # Then it left neither an audit row nor an event
    assert [a[0] for a in _audit("person", ana.pk)] == ["create"]
    assert not OutboxEvent.objects.filter(name="person.updated").exists()
    # And a committed edit has both, the audit row with the values and the actor as before
    person_update(actor=workspace.rep, person=ana, data={"last_name": "Lima"})
    assert _audit("person", ana.pk)[-1] == (
        "update",
        "rick",
        workspace.rep.pk,
        {"last_name": ["Souza", "Lima"]},
    )
    (event,) = OutboxEvent.objects.filter(name="person.updated")
    assert event.fields == ["last_name"] and event.actor_id == workspace.rep.pk


def test_a_bulk_event_audits_each_record_that_changed(workspace: Any, make_person: Any) -> None:
    lead = make_person(first_name="Lea", lifecycle_stage="prospect")
    customer = make_person(first_name="Cus", lifecycle_stage="customer")
    bulk_set_stage(actor=workspace.rep, ids=[lead.pk, customer.pk], stage="customer")
    (event,) = OutboxEvent.objects.filter(name="person.bulk_updated")
    assert sorted(event.entity_ids) == sorted([lead.pk, customer.pk])
    assert event.fields == ["lifecycle_stage"]
    assert _audit("person", lead.pk)[-1] == (
        "update",
        "rick",
        workspace.rep.pk,
        {"lifecycle_stage": ["prospect", "customer"]},
    )
    assert [a[0] for a in _audit("person", customer.pk)] == ["create"]  # unchanged: no row


def test_duplicate_check_keys_follow_people_events_in_the_transaction(
    workspace: Any, make_org: Any
) -> None:
    org = make_org(name="Acme Bakery")
    with pytest.raises(Boom), transaction.atomic():
        rolled_back = person_create(
            actor=workspace.rep, data={"first_name": "Zed", "last_name": "Ray"}
        )
        assert MatchProfile.objects.filter(entity="person", record_id=rolled_back.pk).exists()
        raise Boom
    assert not MatchProfile.objects.filter(entity="person", record_id=rolled_back.pk).exists()
    ana = person_create(actor=workspace.rep, data={
        "first_name": "Ana", "last_name": "Souza",
        "organizations": [{"organization_id": org.pk}],
    })  # fmt: skip
    keys = set(
        MatchKey.objects.filter(entity="person", record_id=ana.pk).values_list("key", flat=True)
    )
    assert keys
    # An organisation renamed: its people's keys follow (they are matched on its name)
    organization_update(actor=workspace.rep, organization=org, data={"name": "Contoso Labs"})
    after = set(
        MatchKey.objects.filter(entity="person", record_id=ana.pk).values_list("key", flat=True)
    )
    assert after != keys
    assert Person.objects.get(pk=ana.pk).search_text != ""
    # Another organisation created does not touch Ana's keys
    organization_create(actor=workspace.rep, data={"name": "Fabrikam"})
    assert (
        set(
            MatchKey.objects.filter(entity="person", record_id=ana.pk).values_list("key", flat=True)
        )
        == after
    )


def test_a_mention_is_notified_with_the_note_or_not_at_all(
    workspace: Any, make_person: Any
) -> None:
    ana = make_person()
    with pytest.raises(Boom), transaction.atomic():
        activity_log(
            actor=workspace.rep, kind="note", data={"body": "Ask @rita", "people": [ana.pk]}
        )
        raise Boom
    assert not Notification.objects.exists()
    note = activity_log(
        actor=workspace.rep, kind="note", data={"body": "Ask @rita", "people": [ana.pk]}
    )
    assert list(Notification.objects.values_list("user__username", "kind", "url")) == [
        ("rita", "mention", f"/people/{ana.pk}/#timeline")
    ]
    (logged,) = OutboxEvent.objects.filter(name="activity.logged")
    assert logged.entity_ids == [note.pk] and logged.actor_id == workspace.rep.pk
    # An edit notifies only who is newly mentioned (the text before is compared in memory;
    # the stored event holds field names only)
    activity_update(actor=workspace.rep, activity=note, data={"body": "Ask @rita and @mona"})
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["mona", "rita"]
    (updated,) = OutboxEvent.objects.filter(name="activity.updated")
    assert updated.fields == ["body"] and "@mona" not in str(updated.fields)


def test_an_assignment_is_notified_through_the_tasks_event(workspace: Any) -> None:
    task = task_create(
        actor=workspace.manager, data={"title": "Prep deck", "assignee": workspace.rep.pk}
    )
    task_update(actor=workspace.manager, task=task, data={"title": "Prep the deck"})
    assert Notification.objects.filter(kind="assigned").count() == 1  # a rename notifies nobody
    task_update(actor=workspace.manager, task=task, data={"assignee": workspace.rep2.pk})
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["rick", "rita"]
    names = list(OutboxEvent.objects.filter(entity_type="task").values_list("name", "fields"))
    assert names[0][0] == "task.created" and "assignee" in names[0][1]
    assert [n for n, f in names if "assignee" in f] == ["task.created", "task.updated"]
