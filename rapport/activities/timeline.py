"""One timeline per record, merged from several sources by time.

Sources are functions ``fn(*, record, user, before, limit)`` returning
``TimelineItem``s of one record, newest first, strictly older than the cursor
``before`` (None for the first page), at most ``limit`` of them. This app
registers activities, tasks and the audit trail's changes and merges; other apps
register their own (the sales app's orders) with ``register_timeline_source``:

    register_timeline_source("person", order_items, kinds=("order",))

The page's order is total: (occurred_at, source, key), newest first, so a cursor
names one exact position and every source can resume with a keyset query
(``before.q("created_at", "id", source="orders")`` builds the filter).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe

from rapport.accounts.models import User


@dataclass(frozen=True)
class TimelineItem:
    occurred_at: datetime
    kind: str  # "note", "call", "meeting", "email_out", "task", "order", "change", …
    title: str
    body_html: SafeString = field(default_factory=lambda: mark_safe(""))
    url: str = ""
    icon: str = "•"
    # The position in the merged order: the source's name and a number unique in it.
    source: str = ""
    key: int = 0
    actor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def position(self) -> tuple[datetime, str, int]:
        return (self.occurred_at, self.source, self.key)


@dataclass(frozen=True)
class Cursor:
    """The last item shown: the next page starts strictly after it (older)."""

    occurred_at: datetime
    source: str
    key: int

    def q(self, time_field: str, key_field: str, *, source: str) -> Q:
        """The filter a source named ``source`` uses to continue after this cursor."""
        if source < self.source:
            return Q(**{f"{time_field}__lte": self.occurred_at})
        if source > self.source:
            return Q(**{f"{time_field}__lt": self.occurred_at})
        return Q(**{f"{time_field}__lt": self.occurred_at}) | Q(
            **{time_field: self.occurred_at, f"{key_field}__lt": self.key}
        )

    def encode(self) -> str:
        return f"{self.occurred_at.isoformat()}|{self.source}|{self.key}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        """None for no cursor or a malformed one (the first page is then shown)."""
        if not raw:
            return None
        try:
            when, source, key = raw.split("|")
            parsed = datetime.fromisoformat(when)
            if parsed.tzinfo is None:
                return None
            return cls(parsed, source, int(key))
        except ValueError:
            return None


class TimelineSource(Protocol):
    def __call__(
        self, *, record: Any, user: User, before: Cursor | None, limit: int
    ) -> Iterable[TimelineItem]: ...


@dataclass(frozen=True)
class _Registered:
    fn: Callable[..., Iterable[TimelineItem]]
    kinds: frozenset[str] | None
    # Sources that can filter by kind themselves take a ``kinds`` keyword.
    filters_kinds: bool


_SOURCES: dict[str, list[_Registered]] = {"person": [], "organization": []}
# Kinds the filter offers, label by kind, in menu order.
_KIND_LABELS: dict[str, str] = {}


def register_timeline_source(
    entity: str,
    fn: Callable[..., Iterable[TimelineItem]],
    *,
    kinds: Sequence[str] | None = None,
    labels: dict[str, str] | None = None,
    filters_kinds: bool = False,
) -> None:
    """Add ``fn`` to the timelines of ``entity`` ("person" or "organization").

    ``kinds`` (optional) lists the kinds the source produces, so a filtered timeline
    skips it when none is wanted; ``labels`` names them in the filter menu.
    """
    if entity not in _SOURCES:
        raise ValueError(f"unknown timeline entity {entity!r}")
    if any(r.fn is fn for r in _SOURCES[entity]):
        return
    _SOURCES[entity].append(_Registered(fn, frozenset(kinds) if kinds else None, filters_kinds))
    for kind, label in (labels or {}).items():
        _KIND_LABELS.setdefault(kind, label)


def kind_choices() -> list[tuple[str, str]]:
    return list(_KIND_LABELS.items())


@dataclass
class TimelinePage:
    items: list[TimelineItem]
    next_cursor: Cursor | None


def timeline_page(
    *,
    entity: str,
    record: Any,
    user: User,
    before: Cursor | None = None,
    limit: int = 20,
    kinds: Sequence[str] | None = None,
) -> TimelinePage:
    """One page of the record's merged timeline. The caller has checked the record's access."""
    wanted = frozenset(kinds) if kinds else None
    gathered: list[TimelineItem] = []
    for source in _SOURCES[entity]:
        if wanted is not None and source.kinds is not None and not (wanted & source.kinds):
            continue
        extra: dict[str, Any] = {"kinds": sorted(wanted)} if wanted and source.filters_kinds else {}
        items = source.fn(record=record, user=user, before=before, limit=limit + 1, **extra)
        gathered.extend(items)
    if wanted is not None:
        gathered = [i for i in gathered if i.kind in wanted]
    if before is not None:  # a source that ignored the cursor must not repeat itself
        edge = (before.occurred_at, before.source, before.key)
        gathered = [i for i in gathered if i.position < edge]
    gathered.sort(key=lambda i: i.position, reverse=True)
    page = gathered[:limit]
    more = len(gathered) > limit
    last = page[-1] if page and more else None
    return TimelinePage(
        items=page, next_cursor=Cursor(last.occurred_at, last.source, last.key) if last else None
    )
