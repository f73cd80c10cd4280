"""The kinds of record the CRM keeps (people and organisations; deals or tickets next).

The app that owns a kind registers it in its ``AppConfig.ready()``. Apps that work on
any kind (imports, duplicates, segments, custom fields, timelines, value panels) look
it up here rather than asking "person or organisation?", so a new kind plugs into
them without editing them.

A kind's ``key`` is what every ``entity`` column stores, audit events' ``entity_type``
and the foreign key's name on rows that belong to one record (``Order.person``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model


@dataclass(frozen=True)
class EntityKind:
    key: str  # stored in the database: never rename it
    model: type[Any]  # a Model; Any so callers keep their own model's manager and fields
    label: str  # "Person"
    plural_label: str  # "People"
    noun: str  # "person", in running text
    plural_noun: str  # "people"
    # The plural in service data and relation names: ``{"people": [id]}``, ``activity.people``.
    collection: str
    detail_url: str  # URL name taking the record's pk
    list_url: str
    # ``detail(user=, pk=)``: the record if ``user`` may see it, else ``NotFound``.
    detail: Callable[..., Any]
    name_of: Callable[[Any], str]  # what a record is called on screen


_KINDS: dict[str, EntityKind] = {}


def register_entity(kind: EntityKind) -> None:
    known = _KINDS.get(kind.key)
    if known is not None and known != kind:
        raise ImproperlyConfigured(f"Two kinds of record use the key {kind.key!r}.")
    _KINDS[kind.key] = kind


def entity_kinds() -> list[EntityKind]:
    return list(_KINDS.values())


def entity_keys() -> list[str]:
    return list(_KINDS)


def is_entity(key: object) -> bool:
    return isinstance(key, str) and key in _KINDS


def entity_kind(key: str) -> EntityKind:
    """The registered kind; ``LookupError`` for a key nobody registered."""
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"No kind of record is called {key!r}.") from None


def entity_of(record: Model | type[Model]) -> EntityKind:
    """The kind of a record (or of a model class)."""
    model = record if isinstance(record, type) else type(record)
    for kind in _KINDS.values():
        if issubclass(model, kind.model):
            return kind
    raise LookupError(f"{model.__name__} is not a registered kind of record.")


def entity_choices() -> list[tuple[str, str]]:
    """``choices`` for an ``entity`` column: evaluated when used, so a kind registered
    later is accepted without a migration."""
    return [(k.key, k.label) for k in _KINDS.values()]


def entity_plural_choices() -> list[tuple[str, str]]:
    """The kinds as a menu of lists: ("person", "People")."""
    return [(k.key, k.plural_label) for k in _KINDS.values()]


def must_be_entity(value: object) -> str | None:
    """The message a service reports for an unknown kind, or None."""
    if is_entity(value):
        return None
    return f"Must be one of: {', '.join(entity_keys())}."


def entity_enum(name: str) -> type[StrEnum]:
    """The kinds as an enum named ``name``, for API schemas (the OpenAPI document lists
    its values). Build it at import of an API module: routers load after ``ready()``."""
    if not _KINDS:
        raise ImproperlyConfigured(f"{name} was built before any kind of record registered.")
    return StrEnum(name, {k.key.upper(): k.key for k in _KINDS.values()})  # type: ignore[return-value]
