"""Writes for custom field definitions (admin only), audited like other records.

These live beside the API because the API is their first user; the settings
pages should call the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from rapport.accounts.access import require_admin
from rapport.accounts.models import User
from rapport.core.audit import audit_record, diff_snapshots
from rapport.core.errors import Conflict, ValidationFailed
from rapport.core.models import AuditAction
from rapport.people.models import CustomFieldDefinition, CustomFieldEntity, CustomFieldType
from rapport.people.normalize import InvalidValue, clean_text

_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
ENTITY_TYPE = "custom_field"


def _snapshot(definition: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "entity": definition.entity, "key": definition.key, "label": definition.label,
        "field_type": definition.field_type, "choices": list(definition.choices),
        "required": definition.required, "position": definition.position,
    }  # fmt: skip


def _apply(
    definition: CustomFieldDefinition, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> None:
    if "label" in data:
        try:
            definition.label = clean_text(data["label"], max_length=100)
        except InvalidValue as exc:
            errors["label"] = [f"This field {exc}"]
        else:
            if not definition.label:
                errors["label"] = ["A custom field needs a label."]
    if "required" in data:
        definition.required = bool(data["required"])
    if "position" in data:
        definition.position = int(data["position"])
    if "choices" in data:
        choices: list[str] = []
        for raw in data["choices"]:
            choice = clean_text(raw)
            if not choice or len(choice) > 100:
                errors.setdefault("choices", []).append("Each choice needs 1 to 100 characters.")
            elif choice not in choices:
                choices.append(choice)
        definition.choices = choices
    if definition.field_type == CustomFieldType.CHOICE and not definition.choices:
        errors.setdefault("choices", []).append("A choice field needs at least one choice.")
    if definition.field_type != CustomFieldType.CHOICE and definition.choices:
        errors.setdefault("choices", []).append("Only choice fields have choices.")


@transaction.atomic
def custom_field_create(*, actor: User, data: Mapping[str, Any]) -> CustomFieldDefinition:
    require_admin(actor)
    errors: dict[str, list[str]] = {}
    entity = str(data.get("entity", ""))
    if entity not in CustomFieldEntity.values:
        errors["entity"] = [f"Must be one of: {', '.join(CustomFieldEntity.values)}."]
    field_type = str(data.get("field_type", ""))
    if field_type not in CustomFieldType.values:
        errors["field_type"] = [f"Must be one of: {', '.join(CustomFieldType.values)}."]
    key = str(data.get("key", "")).strip()
    if not _KEY.match(key):
        errors["key"] = ["Use 1–50 lower-case letters, digits, '-' or '_', starting with a letter."]
    definition = CustomFieldDefinition(entity=entity, key=key, field_type=field_type)
    _apply(definition, {"label": "", **data}, errors)
    if errors:
        raise ValidationFailed(errors)
    if CustomFieldDefinition.objects.filter(entity=entity, key=key).exists():
        raise Conflict(f"There is already a {entity} field with the key {key!r}.")
    definition.save()
    audit_record(actor=actor, action=AuditAction.CREATE, entity_type=ENTITY_TYPE, entity_id=definition.pk,
                 changes=diff_snapshots({}, _snapshot(definition)))  # fmt: skip
    return definition


@transaction.atomic
def custom_field_update(
    *, actor: User, definition: CustomFieldDefinition, data: Mapping[str, Any]
) -> CustomFieldDefinition:
    require_admin(actor)
    definition = CustomFieldDefinition.objects.select_for_update().get(pk=definition.pk)
    before = _snapshot(definition)
    errors: dict[str, list[str]] = {}
    _apply(definition, data, errors)
    if errors:
        raise ValidationFailed(errors)
    changes = diff_snapshots(before, _snapshot(definition))
    if changes:
        definition.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, entity_type=ENTITY_TYPE,
                     entity_id=definition.pk, changes=changes)  # fmt: skip
    return definition


@transaction.atomic
def custom_field_delete(*, actor: User, definition: CustomFieldDefinition) -> None:
    """Remove the definition. Values already stored on records stay in their JSON, unused."""
    require_admin(actor)
    audit_record(actor=actor, action=AuditAction.DELETE, entity_type=ENTITY_TYPE, entity_id=definition.pk,
                 changes=diff_snapshots(_snapshot(definition), {}))  # fmt: skip
    definition.delete()
