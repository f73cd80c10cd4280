"""``person_merge``, ``organization_merge`` and ``merge_undo``.

The duplicate is soft-deleted and every row pointing at it moves to the
survivor; a ``MergeRecord`` keeps what is needed to put everything back, and
both records' audit trails get a "merge" event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.accounts.access import can_edit, require_writer
from rapport.accounts.models import User
from rapport.core.audit import diff_snapshots
from rapport.core.entities import entity_kind, entity_of
from rapport.core.errors import Conflict, PermissionDenied, ValidationFailed
from rapport.core.events import Audit, emit
from rapport.core.locking import changed_columns, check_version, column_values, save_with_version
from rapport.core.models import AuditAction
from rapport.dedupe.merge.fields import (
    Record,
    apply_choices,
    field_values,
    load,
    resolve_choices,
)
from rapport.dedupe.merge.relations import move_back, move_related
from rapport.dedupe.models import Decision, DuplicateDecision, MergeRecord
from rapport.dedupe.services import decision_record
from rapport.people.models import Affiliation, Organization, Person, PersonEmail, PersonPhone
from rapport.people.search import organization_search_text
from rapport.people.services import person_refresh_search
from rapport.people.services.persons import people_refresh_search

# A person's rows with an ``is_primary`` flag: after a merge only the chosen one stays primary.
PERSON_PRIMARY_ROWS: tuple[tuple[type[Any], str], ...] = (
    (PersonEmail, "person_id"),
    (PersonPhone, "person_id"),
    (Affiliation, "person_id"),
)


def label_of(record: Record) -> str:
    return entity_of(record).name_of(record)


def _primary_models(entity: str) -> tuple[tuple[type[Any], str], ...]:
    return PERSON_PRIMARY_ROWS if entity == "person" else ()


def _primaries(entity: str, *ids: int) -> dict[str, dict[str, list[int]]]:
    out: dict[str, dict[str, list[int]]] = {}
    for model, attname in _primary_models(entity):
        out[model._meta.label_lower] = {
            str(pk): list(
                model.objects.filter(**{attname: pk}, is_primary=True).values_list("pk", flat=True)
            )
            for pk in ids
        }
    return out


def _restore_primaries(entity: str, saved: Mapping[str, Mapping[str, list[int]]]) -> None:
    for model, attname in _primary_models(entity):
        for owner_id, pks in saved.get(model._meta.label_lower, {}).items():
            rows = model.objects.filter(**{attname: int(owner_id)})
            rows.exclude(pk__in=pks).update(is_primary=False)
            rows.filter(pk__in=pks).update(is_primary=True)


def _settle_primaries(survivor: Person) -> None:
    """One primary e-mail and phone: the chosen ones; one primary affiliation."""
    for model, column, value in ((PersonEmail, "email", survivor.email),
                                 (PersonPhone, "number", survivor.phone)):  # fmt: skip
        rows = model.objects.filter(person_id=survivor.pk)
        chosen = rows.filter(**{column: value}).order_by("-is_primary", "id").first()
        if chosen is not None:
            rows.exclude(pk=chosen.pk).update(is_primary=False)
            rows.filter(pk=chosen.pk).update(is_primary=True)
    affiliations = Affiliation.objects.filter(person_id=survivor.pk)
    first = affiliations.order_by("-is_primary", "id").first()
    if first is not None:
        affiliations.exclude(pk=first.pk).update(is_primary=False)


def _refresh_search(record: Record) -> None:
    if isinstance(record, Person):
        person_refresh_search(record)
    else:
        record.search_text = organization_search_text(
            name=record.name, domain=record.domain, phone=record.phone
        )


def _lock(record: Record) -> Record:
    return type(record).objects.select_for_update().get(pk=record.pk)


def merge_check(actor: User, survivor: Record, duplicate: Record) -> None:
    require_writer(actor)
    if survivor.pk == duplicate.pk:
        raise ValidationFailed({"duplicate": ["Choose two different records."]})
    if survivor.is_deleted or duplicate.is_deleted:
        raise Conflict("Both records must be live (not in the trash) to be merged.")
    if not (can_edit(actor, survivor) and can_edit(actor, duplicate)):
        raise PermissionDenied("You can only merge records you may edit, both of them.")


def _check_versions(
    survivor: Record, duplicate: Record, versions: tuple[int | None, int | None]
) -> None:
    for record, expected in zip((survivor, duplicate), versions, strict=True):
        check_version(
            record, expected, stale="#{pk} changed since you loaded it (it is now version "
            "{version}). Fetch it again and check the merge.",
        )  # fmt: skip


@transaction.atomic
def _merge(
    *,
    survivor: Record,
    duplicate: Record,
    field_choices: Mapping[str, str],
    merged_by: User,
    versions: tuple[int | None, int | None] = (None, None),
) -> Record:
    survivor, duplicate = _lock(survivor), _lock(duplicate)
    merge_check(merged_by, survivor, duplicate)
    _check_versions(survivor, duplicate, versions)
    entity = entity_of(survivor).key
    choices = resolve_choices(survivor, duplicate, field_choices)
    before, columns = field_values(survivor), column_values(survivor)
    primaries = _primaries(entity, survivor.pk, duplicate.pk)
    apply_choices(survivor, duplicate, choices)
    log = move_related(type(survivor), source=duplicate.pk, target=survivor.pk)
    now = timezone.now()
    if isinstance(survivor, Person):
        _settle_primaries(survivor)
    duplicate.deleted_at = now
    save_with_version(duplicate, ["deleted_at"])
    _refresh_search(survivor)
    save_with_version(survivor, changed_columns(survivor, columns))
    after = field_values(survivor)
    MergeRecord.objects.create(
        entity=entity, survivor_id=survivor.pk, merged_id=duplicate.pk,
        merged_label=label_of(duplicate)[:300], merged_by=merged_by, merged_at=now,
        snapshot={"choices": choices, "before": before, "after": after,
                  "duplicate": field_values(duplicate), "primaries": primaries, **log.as_json()},
    )  # fmt: skip
    decision_record(actor=merged_by, entity=entity, record_a=survivor.pk,
                    record_b=duplicate.pk, decision=Decision.DUPLICATE)  # fmt: skip
    taken = diff_snapshots(before, after)
    audits = [
        Audit(survivor.pk, AuditAction.MERGE,
              {**taken, "merged from": [None, f"#{duplicate.pk} {label_of(duplicate)}"]}),
        Audit(duplicate.pk, AuditAction.MERGE,
              {"merged into": [None, f"#{survivor.pk} {label_of(survivor)}"]}),
    ]  # fmt: skip
    # Audited, and people's duplicate-check keys refreshed (dedupe's subscriber), by the event.
    emit(f"{entity}.merged", entity_type=entity, entity_ids=[survivor.pk, duplicate.pk],
         actor=merged_by, fields=taken, audit=audits)  # fmt: skip
    if entity != "person":
        _refresh_people_of(log.moves)
    return survivor


def _refresh_people_of(moves: list[dict[str, Any]]) -> None:
    """People found by their organisation's name: those whose affiliation moved."""
    label = Affiliation._meta.label_lower
    moved = [pk for m in moves if m["model"] == label for pk in m["pks"]]
    if moved:  # an organisation merge moves all its people: a few queries, not one each
        people_refresh_search(Person.objects.filter(affiliations__pk__in=moved).distinct())


def person_merge(
    *,
    survivor: Person,
    duplicate: Person,
    field_choices: Mapping[str, str],
    merged_by: User,
    expected_version: int | None = None,
    duplicate_version: int | None = None,
) -> Person:
    """Merge ``duplicate`` into ``survivor``; ``field_choices`` maps a field (group) name
    to "survivor" or "duplicate" (missing: most recent non-empty). With an expected
    version, a record changed since the caller read it stops the merge (StaleVersion)."""
    merged = _merge(survivor=survivor, duplicate=duplicate, field_choices=field_choices,
                    merged_by=merged_by, versions=(expected_version, duplicate_version))  # fmt: skip
    assert isinstance(merged, Person)
    return merged


def organization_merge(
    *,
    survivor: Organization,
    duplicate: Organization,
    field_choices: Mapping[str, str],
    merged_by: User,
    expected_version: int | None = None,
    duplicate_version: int | None = None,
) -> Organization:
    merged = _merge(survivor=survivor, duplicate=duplicate, field_choices=field_choices,
                    merged_by=merged_by, versions=(expected_version, duplicate_version))  # fmt: skip
    assert isinstance(merged, Organization)
    return merged


def _record_model(entity: str) -> type[Person] | type[Organization]:
    return entity_kind(entity).model


@transaction.atomic
def merge_undo(*, merge: MergeRecord, actor: User) -> Record:
    """Put the duplicate back exactly: restored, its rows moved back, the survivor's fields
    as they were (those nobody changed since the merge). Returns the restored duplicate."""
    merge = MergeRecord.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise Conflict("This merge was already undone.")
    model = _record_model(merge.entity)
    survivor = model.objects.select_for_update().get(pk=merge.survivor_id)
    duplicate = model.objects.select_for_update().get(pk=merge.merged_id)
    require_writer(actor)
    if not (can_edit(actor, survivor) and can_edit(actor, duplicate)):
        raise PermissionDenied("You can only undo merges of records you may edit.")
    snap = merge.snapshot
    columns = {record.pk: column_values(record) for record in (survivor, duplicate)}
    move_back(snap, source=duplicate.pk, target=survivor.pk)
    _restore_primaries(merge.entity, snap.get("primaries", {}))
    before_undo = field_values(survivor)
    for name, merged_value in snap["after"].items():
        if name != "custom_fields" and before_undo.get(name) == merged_value:
            setattr(survivor, name, load(survivor, name, snap["before"][name]))
    if before_undo["custom_fields"] == snap["after"]["custom_fields"]:
        survivor.custom_fields = snap["before"]["custom_fields"]
    _refresh_search(survivor)
    save_with_version(survivor, changed_columns(survivor, columns[survivor.pk]))
    duplicate.deleted_at = None
    _refresh_search(duplicate)
    save_with_version(duplicate, changed_columns(duplicate, columns[duplicate.pk]))
    now = timezone.now()
    merge.undone_at, merge.undone_by = now, actor
    merge.save(update_fields=["undone_at", "undone_by"])
    # The reviewer took the answer back: it is no longer a label.
    a, b = sorted((survivor.pk, duplicate.pk))
    DuplicateDecision.objects.filter(entity=merge.entity, record_a=a, record_b=b).delete()
    put_back = diff_snapshots(before_undo, field_values(survivor))
    audits = [
        Audit(survivor.pk, AuditAction.UPDATE,
              {**put_back, "merge undone": [f"#{duplicate.pk} {label_of(duplicate)}", None]}),
        Audit(duplicate.pk, AuditAction.RESTORE,
              {"merged into": [f"#{survivor.pk} {label_of(survivor)}", None]}),
    ]  # fmt: skip
    emit(f"{merge.entity}.merge_undone", entity_type=merge.entity,
         entity_ids=[survivor.pk, duplicate.pk], actor=actor, fields=put_back,
         audit=audits)  # fmt: skip
    if merge.entity != "person":
        _refresh_people_of(snap.get("moves", []))
    return duplicate
