"""Bulk actions on lists: every row is checked against the actor's write scope."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Model, QuerySet
from django.utils import timezone

from rapport.accounts.access import assignable_owner_ok, editable_by, require_writer
from rapport.accounts.models import User
from rapport.core.entities import entity_of
from rapport.core.errors import ValidationFailed
from rapport.core.events import Audit, emit
from rapport.core.models import AuditAction
from rapport.people.limits import check_limit, record_limit
from rapport.people.models import LifecycleStage, Organization, Person
from rapport.people.services import tags_get_or_create

BULK_LIMIT = 5000


def _targets(model: type[Model], actor: User, ids: Sequence[int]) -> QuerySet[Any]:
    require_writer(actor)
    if len(ids) > BULK_LIMIT:
        raise ValidationFailed({"ids": [f"Select at most {BULK_LIMIT} records at a time."]})
    return editable_by(model.objects.filter(pk__in=list(ids), deleted_at__isnull=True), actor)  # type: ignore[attr-defined]


def _entity(model: type[Model]) -> str:
    return entity_of(model).key


@transaction.atomic
def bulk_add_tags(
    *,
    actor: User,
    model: type[Person] | type[Organization],
    ids: Sequence[int],
    tags: Sequence[str],
) -> int:
    errors: dict[str, list[str]] = {}
    if not check_limit("tags", tags, errors):
        raise ValidationFailed(errors)
    tag_objs = tags_get_or_create(tags)
    if not tag_objs:
        raise ValidationFailed({"tags": ["Name at least one tag."]})
    targets = list(_targets(model, actor, ids).values_list("pk", flat=True))
    through: Any = model.tags.through
    existing = set(
        through.objects.filter(
            **{f"{_entity(model)}_id__in": targets}, tag__in=tag_objs
        ).values_list(f"{_entity(model)}_id", "tag_id")
    )
    _check_tag_room(through, _entity(model), targets, len(tag_objs), existing)
    rows = [
        through(**{f"{_entity(model)}_id": pk, "tag_id": tag.pk})
        for pk in targets
        for tag in tag_objs
        if (pk, tag.pk) not in existing
    ]
    through.objects.bulk_create(rows, batch_size=1000)
    _touch(model, targets)
    names = [t.name for t in tag_objs]
    _emit_bulk("bulk_updated", model, actor, targets, ["tags"],
               [Audit(pk, AuditAction.UPDATE, {"tags_added": [None, names]}) for pk in targets])  # fmt: skip
    return len(targets)


def _check_tag_room(
    through: Any, entity: str, targets: list[int], adding: int, existing: set[tuple[int, int]]
) -> None:
    """Refuse (naming how many) when the new tags would take records past the tag limit."""
    column = f"{entity}_id"
    have = dict(
        through.objects.filter(**{f"{column}__in": targets})
        .values(column).annotate(n=Count("pk")).values_list(column, "n")
    )  # fmt: skip
    already = Counter(pk for pk, _ in existing)
    limit = record_limit("tags")
    full = sum(1 for pk in targets if have.get(pk, 0) + adding - already[pk] > limit)
    if full:
        raise ValidationFailed({"tags": [
            f"{full:,} of the selected records would have more than {limit:,} tags; "
            "remove some of their tags first."
        ]})  # fmt: skip


def _emit_bulk(
    what: str, model: type[Model], actor: User, pks: list[int], fields: list[str],
    audits: list[Audit],
) -> None:  # fmt: skip
    """One event for the whole selection (none if it is empty), with its audit rows (only
    records whose value changed). Not ``<entity>.updated``: per-record subscribers
    (duplicate-check keys) never followed bulk actions, whose fields they do not read."""
    if pks:
        entity = _entity(model)
        emit(f"{entity}.{what}", entity_type=entity, entity_ids=pks, actor=actor, fields=fields,
             audit=audits)  # fmt: skip


def _touch(model: type[Model], pks: list[int]) -> None:
    model.objects.filter(pk__in=pks).update(updated_at=timezone.now(), version=F("version") + 1)  # type: ignore[attr-defined]


@transaction.atomic
def bulk_assign_owner(
    *, actor: User, model: type[Person] | type[Organization], ids: Sequence[int], owner: User | None
) -> int:
    if owner is not None and not assignable_owner_ok(actor, owner):
        raise ValidationFailed(
            {"owner": ["You can only assign records to yourself or members of your teams."]}
        )
    rows = list(_targets(model, actor, ids).values_list("pk", "owner_id"))
    new_id = owner.pk if owner else None
    pks = [pk for pk, _ in rows]
    model.objects.filter(pk__in=pks).update(owner_id=new_id)
    _touch(model, pks)
    _emit_bulk("bulk_updated", model, actor, pks, ["owner"],
               [Audit(pk, AuditAction.UPDATE, {"owner": [old, new_id]}) for pk, old in rows if old != new_id])  # fmt: skip
    return len(pks)


@transaction.atomic
def bulk_set_stage(*, actor: User, ids: Sequence[int], stage: str) -> int:
    if stage not in LifecycleStage.values:
        raise ValidationFailed({"stage": [f"Must be one of: {', '.join(LifecycleStage.values)}."]})
    rows = list(_targets(Person, actor, ids).values_list("pk", "lifecycle_stage"))
    pks = [pk for pk, _ in rows]
    Person.objects.filter(pk__in=pks).update(lifecycle_stage=stage)
    _touch(Person, pks)
    _emit_bulk("bulk_updated", Person, actor, pks, ["lifecycle_stage"],
               [Audit(pk, AuditAction.UPDATE, {"lifecycle_stage": [old, stage]}) for pk, old in rows if old != stage])  # fmt: skip
    return len(pks)


@transaction.atomic
def bulk_delete(
    *, actor: User, model: type[Person] | type[Organization], ids: Sequence[int]
) -> int:
    pks = list(_targets(model, actor, ids).values_list("pk", flat=True))
    model.objects.filter(pk__in=pks).update(deleted_at=timezone.now())
    _touch(model, pks)
    _emit_bulk("bulk_deleted", model, actor, pks, ["deleted_at"],
               [Audit(pk, AuditAction.DELETE) for pk in pks])  # fmt: skip
    return len(pks)
