"""What each app does when a person is erased: the registry and the erased person's values.

``dataio.gdpr.person_erase`` anonymises the person's own row, then calls every eraser
registered here, in the same transaction, with an :class:`ErasedPerson`. Apps register
theirs in ``AppConfig.ready()`` (``register_person_eraser``), so the erasure reaches
tables keyed by id rather than by a foreign key (the duplicate check's profile and keys)
and text that names the person (notes, e-mails, notifications) without the GDPR module
knowing those apps. Apps that know other records of the same person (a merged
duplicate in the trash) register an alias finder; those records are erased too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q

ERASED_TEXT = "[erased]"
# What a number's digits may be written with in free text: "+1 (415) 555-0199".
_DIGIT_GAP = r"[\s.()/-]*"


@dataclass(frozen=True)
class ErasedPerson:
    """The erased records' ids and the values that identified them, read before the
    anonymisation. ``names`` (full names and their parts) are redacted in text about
    them; ``identifiers`` (e-mail addresses, phone numbers, street addresses) and full
    names wherever they appear."""

    person_ids: tuple[int, ...]
    full_names: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = field(default=())

    def terms(self, *, about_them: bool) -> list[str]:
        """The literal values to look for (longest first)."""
        terms = [*self.full_names, *self.emails, *self.phones, *self.addresses]
        if about_them:
            terms += self.names
        return sorted({t for t in terms if len(t) >= 2}, key=len, reverse=True)

    @cached_property
    def _patterns(self) -> dict[bool, re.Pattern[str] | None]:
        return {about: self._pattern(about) for about in (True, False)}

    def _pattern(self, about_them: bool) -> re.Pattern[str] | None:
        parts = [re.escape(t) for t in self.terms(about_them=about_them) if t not in self.phones]
        for phone in self.phones:
            digits = re.sub(r"\D", "", phone)
            # The number as written anywhere: with or without its country code, spaced.
            for variant in {digits, digits[-10:] if len(digits) > 10 else digits}:
                if len(variant) >= 6:
                    parts.append(r"\+?" + _DIGIT_GAP.join(variant))
        if not parts:
            return None
        return re.compile(r"(?<![\w@.])(?:" + "|".join(parts) + r")(?![\w@])", re.IGNORECASE)

    def redact(self, text: str, *, about_them: bool = True) -> str:
        pattern = self._patterns[about_them]
        return text if pattern is None or not text else pattern.sub(ERASED_TEXT, text)

    def redact_json(self, value: Any, *, about_them: bool = True) -> Any:
        """The same, inside a JSON value (keys kept, strings redacted)."""
        if isinstance(value, str):
            return self.redact(value, about_them=about_them)
        if isinstance(value, list):
            return [self.redact_json(v, about_them=about_them) for v in value]
        if isinstance(value, dict):
            return {k: self.redact_json(v, about_them=about_them) for k, v in value.items()}
        return value

    def mentioned(self, *fields: str, about_them: bool = False) -> Q:
        """Rows whose ``fields`` may hold a value (a superset: ``redact`` decides)."""
        query = Q(pk__in=[])
        needles = [t for t in self.terms(about_them=about_them) if t not in self.phones]
        needles += [re.sub(r"\D", "", p)[-4:] for p in self.phones]  # any spacing of the number
        for name in fields:
            for needle in needles:
                query |= Q(**{f"{name}__icontains": needle})
        return query

    def mentioned_in_json(self, value: Any, *, about_them: bool = False) -> bool:
        text = json.dumps(value, ensure_ascii=False)
        return self.redact(text, about_them=about_them) != text


PersonEraser = Callable[[ErasedPerson], None]
AliasFinder = Callable[[Sequence[int]], Iterable[int]]
_ERASERS: list[PersonEraser] = []
_ALIASES: list[AliasFinder] = []


def register_person_eraser(eraser: PersonEraser) -> None:
    if eraser not in _ERASERS:
        _ERASERS.append(eraser)


def register_alias_finder(finder: AliasFinder) -> None:
    if finder not in _ALIASES:
        _ALIASES.append(finder)


def same_person_ids(person_id: int) -> list[int]:
    """The person and every record known to be them (followed transitively)."""
    found, todo = {person_id}, [person_id]
    while todo:
        new = {i for finder in _ALIASES for i in finder(todo)} - found
        found |= new
        todo = list(new)
    return sorted(found)


def run_person_erasers(erased: ErasedPerson) -> None:
    for eraser in _ERASERS:
        eraser(erased)


def redact_history(erased: ErasedPerson, entity_type: str, entity_ids: Iterable[int]) -> None:
    """The audit events of records about the person (their orders, their notes) that
    quote them, names included, lose their detail."""
    from rapport.core.audit import audit_redact
    from rapport.core.models import AuditEvent

    ids = list(entity_ids)
    if not ids:
        return
    events = AuditEvent.objects.filter(entity_type=entity_type, entity_id__in=ids).filter(
        erased.mentioned("changes", about_them=True)
    )
    audit_redact(
        [pk for pk, changes in events.values_list("pk", "changes")
         if erased.mentioned_in_json(changes, about_them=True)]
    )  # fmt: skip
