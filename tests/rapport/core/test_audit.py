"""The audit trail records changes and nobody can edit it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from rapport.core.audit import audit_history
from rapport.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_update_records_who_when_and_field_changes(workspace: Any, make_person: Any) -> None:
    from rapport.people.services import person_update

    # Given a person created by a rep
    person = make_person(emails=["ana@example.com"])
    # When the rep changes the title and an e-mail
    person_update(
        actor=workspace.rep, person=person, data={"title": "CTO", "emails": ["ana@souza.example"]}
    )
    # Then the history shows both events, newest first, with old and new values
    events = list(audit_history(entity_type="person", entity_id=person.pk))
    assert [e.action for e in events] == ["update", "create"]
    assert events[0].actor == workspace.rep
    assert events[0].changes["title"] == ["", "CTO"]
    assert events[0].changes["emails"] == [["ana@example.com"], ["ana@souza.example"]]


def test_an_update_that_changes_nothing_records_nothing(workspace: Any, make_person: Any) -> None:
    from rapport.people.services import person_update

    person = make_person(title="CTO")
    person_update(actor=workspace.rep, person=person, data={"title": "CTO"})
    assert audit_history(entity_type="person", entity_id=person.pk).count() == 1


def test_audit_events_cannot_be_changed_through_the_orm(workspace: Any, make_person: Any) -> None:
    make_person()
    event = AuditEvent.objects.first()
    assert event is not None
    event.changes = {"forged": True}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditevent SET action = 'forged'", "DELETE FROM core_auditevent"]
)
def test_audit_events_cannot_be_changed_in_the_database(make_person: Any, statement: str) -> None:
    # Given an audit event
    make_person()
    # When someone bypasses the ORM with raw SQL
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    # Then the row is untouched
    assert AuditEvent.objects.filter(action="create").exists()
