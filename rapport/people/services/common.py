"""What the people and organisation services share: tags, versions, owners, text fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.utils import timezone

from rapport.accounts.access import can_edit
from rapport.accounts.models import User
from rapport.accounts.ownership import apply_owner_team
from rapport.core.audit import diff_snapshots
from rapport.core.errors import PermissionDenied
from rapport.core.events import emit
from rapport.core.locking import changed_columns, lock_at_version, save_with_version
from rapport.core.models import AuditAction
from rapport.people.models import Organization, Person, Tag
from rapport.people.normalize import InvalidValue, clean_text

R = TypeVar("R", Person, Organization)


def tags_get_or_create(names: Sequence[str]) -> list[Tag]:
    cleaned = sorted({clean_text(n, max_length=50) for n in names if clean_text(n)})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    for name in cleaned:
        if name not in existing:
            existing[name], _ = Tag.objects.get_or_create(name=name)
    return [existing[n] for n in cleaned]


def lock_for_update(*, actor: User, record: R, expected_version: int | None, noun: str) -> R:
    """``record`` read again and locked for the rest of the transaction, once ``actor``
    may change it and it is still at ``expected_version``."""

    def may_change(locked: R) -> None:
        if not can_edit(actor, locked):
            raise PermissionDenied(f"You may not change this {noun}.")

    return lock_at_version(type(record), record.pk, expected_version, check=may_change)


def save_changes(
    *, actor: User, record: Person | Organization, entity_type: str, before: dict[str, Any],
    after: dict[str, Any], columns: dict[str, Any],
) -> bool:  # fmt: skip
    """Save ``record``'s changed columns (against ``columns``, its ``column_values`` when
    locked) with its version bumped and emit ``<entity_type>.updated`` (which audits the
    change), if its snapshot changed from ``before`` to ``after``. Returns whether it did."""
    changes = diff_snapshots(before, after)
    if not changes:
        return False
    save_with_version(record, changed_columns(record, columns))
    emit(f"{entity_type}.updated", entity_type=entity_type, entity_ids=[record.pk], actor=actor,
         changes=changes, audit=AuditAction.UPDATE)  # fmt: skip
    return True


def assign_owner_team(
    *,
    actor: User,
    record: Person | Organization,
    data: Mapping[str, Any],
    errors: dict[str, list[str]],
) -> None:
    apply_owner_team(actor=actor, record=record, data=data, errors=errors)


def apply_text(
    record: Any, data: Mapping[str, Any], limits: Mapping[str, int], errors: dict[str, list[str]]
) -> None:
    for field, limit in limits.items():
        if field in data:
            try:
                value = clean_text(data[field], max_length=limit)
            except InvalidValue as exc:
                errors[field] = [f"This field {exc}"]
                continue
            setattr(record, field, value.upper() if field == "country" else value)


def choice(
    record: Any,
    field: str,
    data: Mapping[str, Any],
    values: list[str],
    errors: dict[str, list[str]],
) -> None:
    if field in data:
        value = data[field] or ""
        if value not in values:
            errors[field] = [f"Must be one of: {', '.join(v for v in values if v)}."]
        else:
            setattr(record, field, value)


def clean_list(
    values: Sequence[str], normalize: Any, field: str, errors: dict[str, list[str]]
) -> list[str]:
    cleaned: list[str] = []
    for raw in values:
        if not clean_text(raw):
            continue
        try:
            value = normalize(raw)
        except InvalidValue as exc:
            errors.setdefault(field, []).append(str(exc))
            continue
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def soft_delete(
    *, actor: User, record: Person | Organization, entity_type: str, restore: bool
) -> None:
    if not can_edit(actor, record):
        raise PermissionDenied(f"You may not {'restore' if restore else 'delete'} this record.")
    record.deleted_at = None if restore else timezone.now()
    save_with_version(record, ["deleted_at"])
    emit(f"{entity_type}.{'restored' if restore else 'deleted'}", entity_type=entity_type,
         entity_ids=[record.pk], actor=actor, fields=["deleted_at"],
         audit=AuditAction.RESTORE if restore else AuditAction.DELETE)  # fmt: skip
