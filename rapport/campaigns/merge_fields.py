"""Merge fields in user-written templates: values only, never code.

Templates are written by users, so they are not run through Django's template
engine (which would expose attribute lookups, filters and tags). The only syntax
is ``{{ name }}`` or ``{{ name|default:"fallback" }}``; ``name`` must be one of the
fields listed here (``scores.*`` in ``merge_scores``) or ``custom.<key>`` of a person
custom field. Anything else is an error found when the template is saved, not when it
is sent.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapport.campaigns.merge_scores import SCORE_FIELDS

PLACEHOLDER = re.compile(
    r"\{\{\s*(?P<name>[^{}|]*?)\s*(?:\|\s*default\s*:\s*\"(?P<default>[^\"{}]*)\"\s*)?\}\}"
)
NAME = re.compile(r"^[a-z_]+(?:\.[a-z0-9_]+)?$")

Getter = Callable[[Any], Any]


def _attr(path: str) -> Getter:
    def get(person: Any) -> Any:
        value: Any = person
        for part in path.split("."):
            value = getattr(value, part, None) if value is not None else None
        return value

    return get


def _primary_org(person: Any) -> Any:
    affiliations = list(person.affiliations.all())
    return affiliations[0].organization if affiliations else None


def _org(field: str) -> Getter:
    return lambda person: getattr(_primary_org(person), field, None)


FIELDS: dict[str, tuple[str, Getter]] = {
    "person.first_name": ("First name", _attr("first_name")),
    "person.last_name": ("Last name", _attr("last_name")),
    "person.full_name": ("Full name", _attr("full_name")),
    "person.honorific": ("Honorific", _attr("honorific")),
    "person.email": ("E-mail address", _attr("email")),
    "person.title": ("Job title", _attr("title")),
    "person.city": ("City", _attr("city")),
    "person.country": ("Country", _attr("country")),
    "organization.name": ("Organisation name", _org("name")),
    "organization.domain": ("Organisation web domain", _org("domain")),
    "organization.industry": ("Organisation industry", _org("industry")),
    "organization.city": ("Organisation city", _org("city")),
    "owner.display_name": ("Owner's name", _attr("owner.display_name")),
    "owner.first_name": ("Owner's first name", _attr("owner.first_name")),
    "owner.email": ("Owner's e-mail", _attr("owner.email")),
    **SCORE_FIELDS,
}
UNSUBSCRIBE_FIELD = "unsubscribe_url"
GROUPS = {
    "person": "Person",
    "organization": "Organisation (the first one listed)",
    "owner": "Owner",
    "scores": "Customer value (empty until the person has been scored)",
}


@dataclass(frozen=True)
class FieldGroup:
    title: str
    fields: list[tuple[str, str]]  # (placeholder, what it holds)


def field_groups(*, custom_fields: Iterable[tuple[str, str]]) -> list[FieldGroup]:
    """Every merge field a template may use, grouped for the editor's list.

    ``custom_fields`` are the person custom fields as (key, label).
    """
    groups = [
        FieldGroup(title, [(name, label) for name, (label, _) in FIELDS.items()
                           if name.split(".", 1)[0] == prefix])
        for prefix, title in GROUPS.items()
    ]  # fmt: skip
    custom = [(f"custom.{key}", label) for key, label in custom_fields]
    if custom:
        groups.append(FieldGroup("Custom fields", custom))
    groups.append(FieldGroup("Links", [(UNSUBSCRIBE_FIELD, "Unsubscribe link (marketing e-mail)")]))
    return groups


@dataclass(frozen=True)
class Placeholder:
    name: str
    default: str


def placeholders(text: str) -> list[Placeholder]:
    return [
        Placeholder(m.group("name"), m.group("default") or "") for m in PLACEHOLDER.finditer(text)
    ]


def template_errors(text: str, *, custom_keys: Iterable[str]) -> list[str]:
    """Problems with the merge fields of ``text``: unknown names, stray braces."""
    known = set(FIELDS) | {f"custom.{key}" for key in custom_keys} | {UNSUBSCRIBE_FIELD}
    errors: list[str] = []
    for placeholder in placeholders(text):
        if not NAME.match(placeholder.name) or placeholder.name not in known:
            errors.append(f"Unknown merge field {{{{ {placeholder.name} }}}}.")
    leftover = PLACEHOLDER.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        errors.append(
            'Unbalanced or malformed {{ … }}: write {{ person.first_name }} or {{ person.first_name|default:"there" }}.'
        )
    return list(dict.fromkeys(errors))


def person_values(person: Any, *, names: Iterable[str]) -> dict[str, str]:
    """The values of the merge fields ``names`` for ``person``, as plain strings."""
    values: dict[str, str] = {}
    for name in names:
        if name in FIELDS:
            raw = FIELDS[name][1](person)
        elif name.startswith("custom."):
            raw = (person.custom_fields or {}).get(name.removeprefix("custom."))
        else:
            continue
        values[name] = "" if raw is None else str(raw)
    return values


def render(text: str, values: Mapping[str, str], *, escape: bool = False) -> str:
    """Replace each placeholder by its value (HTML-escaped when ``escape``)."""

    def substitute(match: re.Match[str]) -> str:
        value = values.get(match.group("name").strip(), "") or match.group("default") or ""
        return html.escape(value) if escape else value

    return PLACEHOLDER.sub(substitute, text)


def single_line(text: str) -> str:
    """A header value: no line breaks (they would let a value inject headers)."""
    return " ".join(text.split())
