"""Writes for custom field definitions (admin only).

A definition's entity, key and type are fixed once created: stored values are
keyed by ``key`` and were validated against ``field_type``, so changing either
would silently orphan or invalidate data. Label, choices, required and position
may change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from rapport.accounts.access import require_admin
from rapport.accounts.models import User
from rapport.core.entities import must_be_entity
from rapport.core.errors import Conflict, ValidationFailed
from rapport.core.events import emit
from rapport.core.models import AuditAction
from rapport.people.models import CustomFieldDefinition, CustomFieldType
from rapport.people.normalize import InvalidValue, clean_text

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def _clean_choices(raw: Sequence[str], errors: dict[str, list[str]]) -> list[str]:
    choices: list[str] = []
    for item in raw:
        try:
            text = clean_text(item, max_length=100)
        except InvalidValue as exc:
            errors.setdefault("choices", []).append(f"A choice {exc}")
            continue
        if text and text not in choices:
            choices.append(text)
    return choices


def _apply(
    definition: CustomFieldDefinition, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> None:
    if "label" in data:
        try:
            definition.label = clean_text(data["label"], max_length=100)
        except InvalidValue as exc:
            errors["label"] = [f"The label {exc}"]
        if not definition.label and "label" not in errors:
            errors["label"] = ["A custom field needs a label."]
    if "choices" in data:
        definition.choices = _clean_choices(data["choices"] or [], errors)
    if "required" in data:
        definition.required = bool(data["required"])
    if "position" in data:
        definition.position = max(0, int(data["position"] or 0))
    if (
        definition.field_type == CustomFieldType.CHOICE
        and not definition.choices
        and "choices" not in errors
    ):
        errors["choices"] = ["A choice field needs at least one choice."]
    if definition.field_type != CustomFieldType.CHOICE:
        definition.choices = []


def _snapshot(definition: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "entity": definition.entity, "key": definition.key, "label": definition.label,
        "field_type": definition.field_type, "choices": list(definition.choices),
        "required": definition.required, "position": definition.position,
    }  # fmt: skip


@transaction.atomic
def custom_field_create(*, actor: User, data: Mapping[str, Any]) -> CustomFieldDefinition:
    require_admin(actor)
    errors: dict[str, list[str]] = {}
    entity = str(data.get("entity") or "")
    field_type = str(data.get("field_type") or "")
    key = clean_text(str(data.get("key") or "")).lower()
    if problem := must_be_entity(entity):
        errors["entity"] = [problem]
    if field_type not in CustomFieldType.values:
        errors["field_type"] = [f"Must be one of: {', '.join(CustomFieldType.values)}."]
    if not _KEY.match(key):
        errors["key"] = ["Use lower-case letters, digits and underscores, starting with a letter."]
    definition = CustomFieldDefinition(entity=entity, key=key, field_type=field_type)
    _apply(definition, {"label": "", **data}, errors)
    if errors:
        raise ValidationFailed(errors)
    if CustomFieldDefinition.objects.filter(entity=entity, key=key).exists():
        raise ValidationFailed({"key": [f"There is already a field with the key {key!r}."]})
    definition.save()
    emit("custom_field.created", entity_type="custom_field", entity_ids=[definition.pk],
         actor=actor, changes={k: [None, v] for k, v in _snapshot(definition).items()},
         audit=AuditAction.CREATE)  # fmt: skip
    return definition


@transaction.atomic
def custom_field_update(
    *, actor: User, definition: CustomFieldDefinition, data: Mapping[str, Any]
) -> CustomFieldDefinition:
    require_admin(actor)
    for fixed in ("entity", "key", "field_type"):
        if fixed in data and data[fixed] != getattr(definition, fixed):
            raise Conflict(
                f"The {fixed.replace('_', ' ')} of a custom field cannot change once created."
            )
    before = _snapshot(definition)
    errors: dict[str, list[str]] = {}
    _apply(definition, data, errors)
    if errors:
        raise ValidationFailed(errors)
    definition.save()
    after = _snapshot(definition)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        emit("custom_field.updated", entity_type="custom_field", entity_ids=[definition.pk],
             actor=actor, changes=changes, audit=AuditAction.UPDATE)  # fmt: skip
    return definition


@transaction.atomic
def custom_field_delete(*, actor: User, definition: CustomFieldDefinition) -> None:
    """Remove the definition. Stored values stay in the records' JSON, unused, so
    re-creating the field with the same key brings them back."""
    require_admin(actor)
    emit("custom_field.deleted", entity_type="custom_field", entity_ids=[definition.pk],
         actor=actor, changes={"key": [definition.key, None]}, audit=AuditAction.DELETE)  # fmt: skip
    definition.delete()
