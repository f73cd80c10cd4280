"""Writing and reading the audit trail."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from rapport.core.models import AuditAction, AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def diff_snapshots(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field-by-field changes as ``{field: [old, new]}``, only for fields that differ."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    entity_type: str,
    entity_id: int,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    label = getattr(actor, "username", "") or "system"
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label,
        action=str(action),
        entity_type=entity_type,
        entity_id=entity_id,
        changes=_jsonable(dict(changes or {})),
    )


def audit_record_rows(
    *,
    actor: Any,
    entity_type: str,
    rows: Iterable[tuple[int, AuditAction | str, Mapping[str, Any]]],
) -> int:
    """Several audit rows in one insert: ``(entity_id, action, changes)`` each."""
    label = getattr(actor, "username", "") or "system"
    events = [
        AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=label,
            action=str(action),
            entity_type=entity_type,
            entity_id=entity_id,
            changes=_jsonable(dict(changes)),
        )
        for entity_id, action, changes in rows
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


def audit_history(*, entity_type: str, entity_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(entity_type=entity_type, entity_id=entity_id).select_related(
        "actor"
    )


REDACTED = {"redacted": "erased"}


def audit_redact(event_ids: list[int]) -> None:
    """The only UPDATE the audit table accepts (its trigger refuses any other): an
    event's ``changes`` set to the redaction marker, for a GDPR erasure."""
    table = AuditEvent._meta.db_table
    marker = json.dumps(REDACTED)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    for start in range(0, len(event_ids), 500):
        chunk = event_ids[start : start + 500]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET changes = %s{cast} WHERE id IN "  # noqa: S608 -- our table
                f"({', '.join(['%s'] * len(chunk))})",
                [marker, *chunk],
            )
