"""Segment definitions: which fields and operators a condition may use, and their query.

A definition is a list of conditions ``{"field": f, "op": o, "value": v}``, all of
which must hold (AND). Fields are record fields (stage, tag, owner, …, ``cf_<key>``
custom fields) or value scores from the latest model run (tier, p_alive, …, flag).
A score condition only matches customers that have a score: a customer the models
have not scored is neither "tier A" nor "not tier A".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from rapport.core.entities import entity_kind
from rapport.core.errors import ValidationFailed
from rapport.people.custom_fields import coerce_value, definitions_for
from rapport.people.models import (
    ConsentStatus,
    CustomFieldType,
    LifecycleStage,
    RelationshipType,
)

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "contains")
OPERATOR_LABELS = {
    "eq": "is", "ne": "is not", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥",
    "in": "is one of", "contains": "contains",
}  # fmt: skip
EQUALITY = ("eq", "ne", "in")
ORDERED = ("eq", "ne", "lt", "lte", "gt", "gte")
MAX_CONDITIONS = 30


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: str  # "record" | "score" | "tag" | "flag" | "owner" | "team"
    ops: tuple[str, ...]
    value_type: str  # "text" | "number" | "bool" | "id"
    choices: tuple[tuple[str, str], ...] = ()
    column: str = ""
    entities: tuple[str, ...] = ("person", "organization")


TIER_CHOICES = (("A", "A"), ("B", "B"), ("C", "C"))
FLAG_CHOICES = (
    ("benchmark", "Benchmark"),
    ("inspiration", "Inspiration"),
    ("cost_magnet", "Cost magnet"),
)
SCORE_RANGE = tuple((str(n), str(n)) for n in range(1, 6))

FIELDS: dict[str, FieldSpec] = {
    "stage": FieldSpec("Lifecycle stage", "record", EQUALITY, "text",
                       tuple(LifecycleStage.choices), "lifecycle_stage", ("person",)),
    "consent": FieldSpec("E-mail consent", "record", EQUALITY, "text",
                         tuple(ConsentStatus.choices), "email_consent", ("person",)),
    "relationship_type": FieldSpec("Relationship", "record", EQUALITY, "text",
                                   tuple(RelationshipType.choices), "relationship_type",
                                   ("organization",)),
    "tag": FieldSpec("Tag", "tag", ("eq", "ne", "in", "contains"), "text"),
    "owner": FieldSpec("Owner", "owner", EQUALITY, "id"),
    "team": FieldSpec("Team", "team", EQUALITY, "id"),
    "tier": FieldSpec("Tier", "score", EQUALITY, "text", TIER_CHOICES, "tier"),
    "p_alive": FieldSpec("Probability alive", "score", ORDERED, "number", (), "p_alive"),
    "predicted_value": FieldSpec("Predicted value", "score", ORDERED, "number", (),
                                 "predicted_value"),
    "historical_value": FieldSpec("Historical value", "score", ORDERED, "number", (),
                                  "historical_value"),
    "expected_purchases": FieldSpec("Expected purchases", "score", ORDERED, "number", (),
                                    "expected_purchases"),
    "orders": FieldSpec("Purchase days", "score", ORDERED, "number", (), "orders"),
    "r_score": FieldSpec("Recency score (R)", "score", (*ORDERED, "in"), "number",
                         SCORE_RANGE, "r_score"),
    "f_score": FieldSpec("Frequency score (F)", "score", (*ORDERED, "in"), "number",
                         SCORE_RANGE, "f_score"),
    "m_score": FieldSpec("Monetary score (M)", "score", (*ORDERED, "in"), "number",
                         SCORE_RANGE, "m_score"),
    "high_value": FieldSpec("High lifetime value", "score", ("eq",), "bool",
                            (("true", "Yes"), ("false", "No")), "high_value"),
    "flag": FieldSpec("Strategic flag", "flag", EQUALITY, "text", FLAG_CHOICES),
}  # fmt: skip


def fields_for(entity: str) -> dict[str, FieldSpec]:
    """Built-in fields plus the entity's custom fields (as ``cf_<key>``)."""
    result = {k: spec for k, spec in FIELDS.items() if entity in spec.entities}
    for definition in definitions_for(entity):
        number_like = definition.field_type in {CustomFieldType.NUMBER, CustomFieldType.DATE}
        ops: tuple[str, ...]
        if number_like:
            ops = ORDERED
        elif definition.field_type == CustomFieldType.TEXT:
            ops = ("eq", "ne", "in", "contains")
        else:
            ops = EQUALITY
        choices = tuple((c, c) for c in definition.choices)
        if definition.field_type == CustomFieldType.BOOLEAN:
            choices = (("true", "Yes"), ("false", "No"))
        result[f"cf_{definition.key}"] = FieldSpec(
            definition.label, "custom", ops, "text", choices, definition.key, (entity,)
        )
    return result


def _one_value(spec: FieldSpec, raw: Any, coerce: Callable[[Any], Any]) -> Any:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        raise ValueError("needs a value.")
    value = coerce(raw)
    checks_choices = spec.choices and spec.kind != "custom" and spec.value_type == "text"
    if checks_choices and value not in {c for c, _ in spec.choices}:
        raise ValueError(f"must be one of: {', '.join(c for c, _ in spec.choices)}.")
    return value


def _coercer(spec: FieldSpec, entity: str) -> Callable[[Any], Any]:
    if spec.kind == "custom":
        definition = definitions_for(entity).get(key=spec.column)
        return lambda raw: coerce_value(definition, raw)
    if spec.value_type == "number":

        def number(raw: Any) -> float:
            try:
                value = float(str(raw).strip())
            except ValueError as exc:
                raise ValueError("must be a number.") from exc
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError("must be a finite number.")
            return value

        return number
    if spec.value_type == "bool":
        return lambda raw: str(raw).strip().lower() in {"true", "1", "yes", "on"}
    if spec.value_type == "id":

        def identifier(raw: Any) -> int | str:
            text = str(raw).strip()
            if spec.kind == "owner" and text in {"me", "none"}:
                return text
            if spec.kind == "team" and text == "none":
                return text
            try:
                return int(text)
            except ValueError as exc:
                raise ValueError("must be an id.") from exc

        return identifier
    return lambda raw: str(raw).strip()


def clean_definition(entity: str, definition: Any) -> list[dict[str, Any]]:
    """Validate a definition; return it with values normalised. Raises ValidationFailed."""
    if not isinstance(definition, list):
        raise ValidationFailed({"definition": ["Must be a list of conditions."]})
    if len(definition) > MAX_CONDITIONS:
        raise ValidationFailed({"definition": [f"At most {MAX_CONDITIONS} conditions."]})
    fields = fields_for(entity)
    errors: list[str] = []
    cleaned: list[dict[str, Any]] = []
    for number, condition in enumerate(definition, start=1):
        if not isinstance(condition, dict):
            errors.append(f"Condition {number}: must be an object with field, op and value.")
            continue
        name, op, raw = condition.get("field"), condition.get("op"), condition.get("value")
        spec = fields.get(str(name))
        if spec is None:
            errors.append(f"Condition {number}: there is no field {name!r}.")
            continue
        if op not in spec.ops:
            errors.append(
                f"Condition {number}: {spec.label} can use {', '.join(spec.ops)}, not {op!r}."
            )
            continue
        coerce = _coercer(spec, entity)
        try:
            if op == "in":
                items = raw if isinstance(raw, list) else str(raw or "").split(",")
                items = [i for i in items if str(i).strip() != ""]
                if not items:
                    raise ValueError("needs at least one value.")
                value: Any = [_one_value(spec, item, coerce) for item in items]
            else:
                value = _one_value(spec, raw, coerce)
        except ValueError as exc:
            errors.append(f"Condition {number}: {spec.label} {exc}")
            continue
        cleaned.append({"field": name, "op": op, "value": value})
    if errors:
        raise ValidationFailed({"definition": errors})
    return cleaned


def _compare(column: str, op: str, value: Any) -> Q:
    if op == "eq":
        return Q(**{column: value})
    if op == "ne":
        return ~Q(**{column: value})
    if op == "in":
        return Q(**{f"{column}__in": value})
    if op == "contains":
        return Q(**{f"{column}__icontains": value})
    return Q(**{f"{column}__{op}": value})


@dataclass
class CompiledSegment:
    """Conditions split by where they apply: on the record, or inside the score subquery."""

    record: Q
    score: Q
    has_score_conditions: bool


def compile_conditions(
    entity: str, conditions: Sequence[dict[str, Any]], *, me: int | None
) -> CompiledSegment:
    """Turn cleaned conditions into filters for the record and for its latest score."""
    from rapport.insights.models import StrategicFlag

    fields = fields_for(entity)
    record, score = Q(), Q()
    has_score = False
    for condition in conditions:
        spec = fields[condition["field"]]
        op, value = condition["op"], condition["value"]
        if spec.kind == "record":
            record &= _compare(spec.column, op, value)
        elif spec.kind == "custom":
            record &= _compare(f"custom_fields__{spec.column}", op, value)
        elif spec.kind == "score":
            score &= _compare(spec.column, op, value)
            has_score = True
        elif spec.kind == "tag":
            if op == "contains":
                record &= Q(pk__in=_tagged(entity, Q(tag__name__icontains=value)))
            else:
                names = value if op == "in" else [value]
                tagged = Q(pk__in=_tagged(entity, Q(tag__name__in=names)))
                record &= ~tagged if op == "ne" else tagged
        elif spec.kind == "flag":
            kinds = value if op == "in" else [value]
            flagged = StrategicFlag.objects.filter(kind__in=kinds).values(f"{entity}_id")
            record &= ~Q(pk__in=flagged) if op == "ne" else Q(pk__in=flagged)
        elif spec.kind in {"owner", "team"}:
            record &= _id_condition(spec.kind, op, value, me=me)
    return CompiledSegment(record, score, has_score)


def _tagged(entity: str, tag_filter: Q) -> Any:
    through = entity_kind(entity).model.tags.through
    return through.objects.filter(tag_filter).values(f"{entity}_id")


def _id_condition(kind: str, op: str, value: Any, *, me: int | None) -> Q:
    column = f"{kind}_id"

    def one(item: Any) -> Q:
        if item == "none":
            return Q(**{f"{column}__isnull": True})
        if item == "me":
            return Q(**{column: me}) if me is not None else Q(pk__in=[])
        return Q(**{column: item})

    items = value if op == "in" else [value]
    combined = Q(pk__in=[])
    for item in items:
        combined |= one(item)
    return ~combined if op == "ne" else combined


def describe_condition(entity: str, condition: dict[str, Any]) -> str:
    """ "Tier is A", "Probability alive < 0.5": for lists and the builder."""
    spec = fields_for(entity).get(condition.get("field", ""))
    label = spec.label if spec else str(condition.get("field"))
    value = condition.get("value")
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if spec and spec.choices:
        names = dict(spec.choices)
        parts = value if isinstance(value, list) else [value]
        shown = ", ".join(str(names.get(str(p), p)) for p in parts)
    op = OPERATOR_LABELS.get(condition.get("op", ""), condition.get("op", ""))
    return f"{label} {op} {shown}"
