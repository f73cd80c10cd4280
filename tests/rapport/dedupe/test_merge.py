"""Merging two people (and organisations): every related row moves, clashes keep one, undo is exact."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from rapport.core.audit import audit_history
from rapport.core.errors import PermissionDenied
from rapport.dedupe.merge import merge_undo, organization_merge, person_merge
from rapport.dedupe.merge.relations import incoming_foreign_keys
from rapport.dedupe.models import DuplicateDecision, MatchKey, MergeRecord
from rapport.people.models import Affiliation, Organization, Person, PersonEmail, PersonPhone


def _state(person: Person) -> dict[str, Any]:
    """Everything about a person that a merge and its undo touch."""
    person.refresh_from_db()
    return {
        "fields": {f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields
                   if f.attname not in {"version", "updated_at", "search_text"}},
        "emails": sorted(PersonEmail.objects.filter(person=person).values_list("pk", "email", "is_primary")),
        "phones": sorted(PersonPhone.objects.filter(person=person).values_list("pk", "number", "is_primary")),
        "tags": sorted(person.tags.values_list("name", flat=True)),
        "affiliations": sorted(Affiliation.objects.filter(person=person)
                               .values_list("organization_id", "role", "is_primary")),
    }  # fmt: skip


@pytest.fixture
def pair(workspace: Any, make_person: Any, make_org: Any) -> tuple[Person, Person, Any, Any]:
    acme, globex = make_org(name="Acme"), make_org(name="Globex")
    survivor = make_person(
        first_name="Ana", last_name="Souza", emails=["ana@example.com"], phones=["+14155550123"],
        tags=["vip", "newsletter"], organizations=[{"organization_id": acme.pk, "role": "CTO"}],
        custom_fields={},
    )  # fmt: skip
    duplicate = make_person(
        first_name="Ana", last_name="Souza", title="Chief technologist",
        emails=["ana.souza@work.example", "ana@example.com"], phones=["+14155550999"],
        tags=["vip", "webinar"],
        organizations=[{"organization_id": acme.pk, "role": "Chief"},
                       {"organization_id": globex.pk, "role": "Advisor"}],
        street="1 Main St", city="Springfield", postcode="12345",
    )  # fmt: skip
    return survivor, duplicate, acme, globex


def test_merge_moves_every_related_row_and_keeps_one_of_each_clash(
    workspace: Any, pair: Any
) -> None:
    survivor, duplicate, acme, globex = pair
    # When rick merges the duplicate into the survivor with the default choices
    merged = person_merge(survivor=survivor, duplicate=duplicate, field_choices={},
                          merged_by=workspace.rep)  # fmt: skip
    # Then every e-mail and phone is kept once; the most recent record's primary is primary
    emails = list(merged.emails.values_list("email", "is_primary"))
    assert sorted(emails) == [("ana.souza@work.example", True), ("ana@example.com", False)]
    assert merged.email == "ana.souza@work.example"
    assert sorted(merged.phones.values_list("number", flat=True)) == [
        "+14155550123",
        "+14155550999",
    ]
    assert merged.phones.filter(is_primary=True).count() == 1
    # And tags are united, each once; affiliations too (the survivor's role at Acme wins)
    assert sorted(merged.tags.values_list("name", flat=True)) == ["newsletter", "vip", "webinar"]
    assert sorted(merged.affiliations.values_list("organization_id", "role")) == [
        (acme.pk, "CTO"), (globex.pk, "Advisor")]  # fmt: skip
    # And the duplicate's non-empty fields fill the survivor's blanks
    assert merged.title == "Chief technologist" and merged.street == "1 Main St"
    # And nothing anywhere still points at the duplicate (rows from every app)
    for fk in incoming_foreign_keys(Person):
        assert not fk.model._base_manager.filter(**{fk.attname: duplicate.pk}).exists(), fk
    # And the duplicate is in the trash, with a pointer to the survivor
    duplicate.refresh_from_db()
    assert duplicate.is_deleted
    record = MergeRecord.objects.get(merged_id=duplicate.pk)
    assert record.survivor_id == survivor.pk
    # And both histories say "merge"; the survivor's names the merged record
    event = audit_history(entity_type="person", entity_id=survivor.pk).first()
    assert event is not None and event.action == "merge"
    assert event.changes["merged from"][1].startswith(f"#{duplicate.pk}")
    assert audit_history(entity_type="person", entity_id=duplicate.pk).first().action == "merge"
    # And the pair is remembered as a duplicate (a label), the keys of the duplicate are gone
    assert DuplicateDecision.objects.get().decision == "duplicate"
    assert not MatchKey.objects.filter(entity="person", record_id=duplicate.pk).exists()


def test_field_choices_pick_the_duplicates_values(workspace: Any, pair: Any) -> None:
    survivor, duplicate, _, _ = pair
    merged = person_merge(
        survivor=survivor, duplicate=duplicate, merged_by=workspace.rep,
        field_choices={"email": "survivor", "title": "survivor"},
    )  # fmt: skip
    assert merged.email == "ana@example.com"
    assert merged.emails.get(is_primary=True).email == "ana@example.com"
    assert merged.title == ""


def test_undo_restores_both_records_exactly(workspace: Any, pair: Any) -> None:
    survivor, duplicate, _, _ = pair
    before = (_state(survivor), _state(duplicate))
    person_merge(survivor=survivor, duplicate=duplicate, field_choices={"email": "duplicate"},
                 merged_by=workspace.rep)  # fmt: skip
    # When the merge is undone from the survivor
    restored = merge_undo(merge=MergeRecord.objects.get(), actor=workspace.rep)
    # Then both people are exactly as before (rows, flags, fields), the duplicate is live again
    assert restored.pk == duplicate.pk
    assert (_state(survivor), _state(duplicate)) == before
    # And the "duplicate" label is withdrawn, the undo is in the history, keys are back
    assert not DuplicateDecision.objects.exists()
    assert MergeRecord.objects.get().is_undone
    assert MatchKey.objects.filter(entity="person", record_id=duplicate.pk).exists()
    latest = audit_history(entity_type="person", entity_id=survivor.pk).first()
    assert latest is not None and "merge undone" in latest.changes


def test_rows_of_other_apps_move_and_come_back(workspace: Any, pair: Any) -> None:
    # Given the duplicate is linked to rows of another app (any model with a person FK)
    survivor, duplicate, _, _ = pair
    Task = apps.get_model("activities", "Task") if apps.is_installed("rapport.activities") else None
    through = getattr(getattr(Task, "people", None), "through", None)
    if Task is None or through is None:
        pytest.skip("no activities tasks in this build")
    task = Task.objects.create(**_minimal(Task, workspace))
    task.people.add(duplicate, survivor)  # a clash: the same task on both
    other = Task.objects.create(**_minimal(Task, workspace))
    other.people.add(duplicate)
    # When they are merged, then undone
    person_merge(survivor=survivor, duplicate=duplicate, field_choices={}, merged_by=workspace.rep)
    assert set(through.objects.filter(person=survivor).values_list("task_id", flat=True)) == {
        task.pk, other.pk}  # fmt: skip
    assert not through.objects.filter(person=duplicate).exists()
    merge_undo(merge=MergeRecord.objects.get(), actor=workspace.rep)
    # Then the duplicate has both its tasks again and the survivor only its own
    assert set(through.objects.filter(person=duplicate).values_list("task_id", flat=True)) == {
        task.pk, other.pk}  # fmt: skip
    assert list(through.objects.filter(person=survivor).values_list("task_id", flat=True)) == [
        task.pk
    ]


def _minimal(model: Any, workspace: Any) -> dict[str, Any]:
    """Values for a model's required fields (whatever another app's model needs)."""
    from django.db import models

    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if (
            field.primary_key
            or field.null
            or field.has_default()
            or (field.blank and not isinstance(field, models.ForeignKey))
        ):
            continue
        if isinstance(field, models.ForeignKey):
            if field.related_model._meta.label == "accounts.User":
                values[field.name] = workspace.rep
            continue
        if isinstance(field, models.DateTimeField):
            values[field.name] = timezone.now()
        elif isinstance(field, models.DateField):
            values[field.name] = dt.date.today()
        elif field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, models.CharField | models.TextField):
            values[field.name] = "x"
        elif isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
            values[field.name] = 1
    return values


def test_a_rep_cannot_merge_a_record_of_another_team(workspace: Any, make_person: Any) -> None:
    mine = make_person()
    theirs = make_person(actor=workspace.other_rep)
    with pytest.raises(PermissionDenied):
        person_merge(survivor=mine, duplicate=theirs, field_choices={}, merged_by=workspace.rep)
    theirs.refresh_from_db()
    assert not theirs.is_deleted
    with pytest.raises(PermissionDenied):
        person_merge(survivor=mine, duplicate=theirs, field_choices={}, merged_by=workspace.viewer)


def test_most_recent_non_empty_is_the_default(workspace: Any, make_person: Any) -> None:
    old = make_person(title="Buyer", source="web form")
    new = make_person(title="Head buyer", source="")
    Person.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=30))
    merged = person_merge(survivor=old, duplicate=new, field_choices={}, merged_by=workspace.rep)
    assert merged.title == "Head buyer" and merged.source == "web form"


def test_organisations_merge_and_undo(workspace: Any, make_org: Any, make_person: Any) -> None:
    survivor = make_org(name="Acme Ltd", domain="acme.example", tags=["partner"])
    duplicate = make_org(name="ACME Limited", industry="Food", tags=["partner", "supplier"])
    ana = make_person(organizations=[{"organization_id": survivor.pk, "role": "CTO"},
                                     {"organization_id": duplicate.pk, "role": "Owner"}])  # fmt: skip
    bob = make_person(first_name="Bob", organizations=[{"organization_id": duplicate.pk}])
    merged = organization_merge(survivor=survivor, duplicate=duplicate, field_choices={},
                                merged_by=workspace.rep)  # fmt: skip
    assert merged.industry == "Food"
    assert sorted(merged.tags.values_list("name", flat=True)) == ["partner", "supplier"]
    assert set(Affiliation.objects.filter(organization=merged).values_list("person_id", flat=True)) == {
        ana.pk, bob.pk}  # fmt: skip
    assert Organization.objects.get(pk=duplicate.pk).is_deleted
    merge_undo(merge=MergeRecord.objects.get(), actor=workspace.rep)
    assert set(Affiliation.objects.filter(organization=duplicate).values_list("person_id", flat=True)) == {
        ana.pk, bob.pk}  # fmt: skip
    assert Organization.objects.get(pk=survivor.pk).industry == ""
