"""Optimistic locking (rapport/core/locking.py), on the real database."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from rapport.core.errors import NotFound, PermissionDenied, StaleVersion
from rapport.core.locking import (
    changed_columns,
    column_values,
    lock_at_version,
    save_with_version,
)
from rapport.people.models import Person


@pytest.mark.django_db
def test_lock_at_version_reads_the_stored_row_at_the_version_the_caller_had(
    make_person: Any,
) -> None:
    # Given a person someone renamed since our copy was read
    ours = make_person(first_name="Ana")
    Person.objects.filter(pk=ours.pk).update(first_name="Anna", version=2)
    # When we lock it at the stored version, inside a transaction
    with transaction.atomic():
        locked = lock_at_version(Person, ours.pk, 2)
        # Then we hold the row as stored, not our old copy
        assert (locked.first_name, locked.version) == ("Anna", 2)
    # And without an expected version nothing is compared
    with transaction.atomic():
        assert (
            lock_at_version(Person.objects.filter(first_name="Anna"), ours.pk, None).pk == ours.pk
        )


@pytest.mark.django_db
def test_a_stale_version_is_refused_with_both_versions_in_the_message(make_person: Any) -> None:
    # Given a person at version 3
    person = make_person()
    Person.objects.filter(pk=person.pk).update(version=3)
    # When a client that had version 2 locks it, Then it hears the record changed
    with pytest.raises(StaleVersion) as default:
        lock_at_version(Person, person.pk, 2)
    assert default.value.status_code == 412
    assert str(default.value.detail) == (
        "This record changed since you loaded it (version 3, you had 2). "
        "Reload it and apply your change again."
    )
    # And a service's own wording names the same values
    with pytest.raises(StaleVersion) as own:
        lock_at_version(Person, person.pk, 1, stale="#{pk} is at {version}, not {expected}.")
    assert str(own.value.detail) == f"#{person.pk} is at 3, not 1."


@pytest.mark.django_db
def test_the_check_runs_on_the_locked_row_before_the_version_is_compared(
    make_person: Any,
) -> None:
    # Given a person at version 2, and a check that refuses it
    person = make_person()
    Person.objects.filter(pk=person.pk).update(version=2)
    seen: list[int] = []

    def refuse(locked: Person) -> None:
        seen.append(locked.version)
        raise PermissionDenied("You may not change this person.")

    # When a stale client locks it, Then it is told it may not change it (not that it is stale)
    with pytest.raises(PermissionDenied):
        lock_at_version(Person, person.pk, 1, check=refuse)
    assert seen == [2]


@pytest.mark.django_db
def test_a_row_that_is_gone_is_not_found(make_person: Any) -> None:
    person = make_person()
    pk = person.pk
    Person.objects.filter(pk=pk).delete()
    with pytest.raises(NotFound) as gone:
        lock_at_version(Person, pk, None, missing="This person no longer exists.")
    assert gone.value.status_code == 404
    assert str(gone.value.detail) == "This person no longer exists."


@pytest.mark.django_db
def test_save_with_version_writes_only_the_named_columns_with_version_and_updated_at(
    make_person: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Given a locked person, whose city someone else changed since it was read
    person = make_person(first_name="Ana", city="Lisbon")
    with transaction.atomic():
        locked = lock_at_version(Person, person.pk, person.version)
        Person.objects.filter(pk=person.pk).update(city="Porto")
        stamped = locked.updated_at
        # When we rename it and save the first name only
        locked.first_name = "Anna"
        with CaptureQueriesContext(connection) as queries:
            save_with_version(locked, ["first_name"])
    # Then one UPDATE wrote the first name, the version and updated_at, and nothing else
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    set_clause = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    columns = {part.split("=")[0].strip().strip('"') for part in set_clause.split(", ")}
    assert columns == {"first_name", "version", "updated_at"}
    stored = Person.objects.get(pk=person.pk)
    assert (stored.first_name, stored.city) == ("Anna", "Porto")
    assert stored.version == locked.version == person.version + 1
    assert stored.updated_at == locked.updated_at > stamped


@pytest.mark.django_db
def test_changed_columns_names_what_the_edit_changed_json_changed_in_place_included(
    make_person: Any,
) -> None:
    # Given a person's stored columns
    person = make_person(first_name="Ana", city="Lisbon")
    before = column_values(person)
    # When the first name changes, the city is set to what it was, and a custom field is
    # added to the JSON column in place
    person.first_name = "Anna"
    person.city = "Lisbon"
    person.custom_fields["tier"] = "gold"
    # Then the changed columns are the first name and the custom fields only
    assert sorted(changed_columns(person, before)) == ["custom_fields", "first_name"]
