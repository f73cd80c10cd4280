"""Validation of admin-defined custom field values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet

from rapport.core.errors import ValidationFailed
from rapport.people.models import CustomFieldDefinition, CustomFieldType

_TRUE = {"true", "1", "yes", "on", "y"}
_FALSE = {"false", "0", "no", "off", "n"}


def definitions_for(entity: str) -> QuerySet[CustomFieldDefinition]:
    return CustomFieldDefinition.objects.filter(entity=entity)


def coerce_value(definition: CustomFieldDefinition, raw: Any) -> Any:
    """Turn user input into the stored JSON value, or raise ValueError with a reason."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    kind = definition.field_type
    if kind == CustomFieldType.TEXT:
        text = str(raw).strip()
        if len(text) > 1000:
            raise ValueError("must be at most 1,000 characters.")
        return text
    if kind == CustomFieldType.NUMBER:
        if isinstance(raw, bool):
            raise ValueError("must be a number.")
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation as exc:
            raise ValueError("must be a number.") from exc
        if not number.is_finite():
            raise ValueError("must be a finite number.")
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == CustomFieldType.DATE:
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError as exc:
            raise ValueError("must be a date as YYYY-MM-DD.") from exc
    if kind == CustomFieldType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("must be yes or no.")
    if kind == CustomFieldType.CHOICE:
        text = str(raw).strip()
        if text not in definition.choices:
            raise ValueError(f"must be one of: {', '.join(definition.choices)}.")
        return text
    raise ValueError(f"has an unknown type {kind!r}.")


def clean_custom_fields(
    *, entity: str, values: Mapping[str, Any], existing: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Validate ``values`` (a partial update) against the definitions; merge into ``existing``."""
    definitions = {d.key: d for d in definitions_for(entity)}
    errors: dict[str, list[str]] = {}
    result: dict[str, Any] = dict(existing or {})
    for key, raw in values.items():
        definition = definitions.get(key)
        if definition is None:
            errors[f"custom_fields.{key}"] = [f"There is no custom field {key!r}."]
            continue
        try:
            value = coerce_value(definition, raw)
        except ValueError as exc:
            errors[f"custom_fields.{key}"] = [f"{definition.label} {exc}"]
            continue
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    for key, definition in definitions.items():
        if definition.required and result.get(key) in (None, ""):
            errors.setdefault(f"custom_fields.{key}", []).append(f"{definition.label} is required.")
    if errors:
        raise ValidationFailed(errors)
    return result
