"""Query shapes that keep list pages fast at a million rows on SQLite.

SQLite has no statistics unless someone runs ANALYZE, so it guesses that a filter
on an indexed column (``owner_id = ? OR team_id IN (…)``, ``id IN (tagged
people)``, ``id IN (search matches)``) keeps a handful of rows. It then fetches
every match through that index and sorts them all for the first page: 9 s for a
rep's list under team visibility at a million people, 0.3 s for a common tag.
Walking the sort's own index and filtering as it goes stops after the first
page's worth of matches instead.

``unindexed(expr)`` writes SQLite's documented hint for that, a unary ``+``: the
same value, but the planner may not drive the query from that column's index.
Counting has no ORDER BY, so for a *selective* filter the index is the right way
in; ``counting()`` (used by ``capped_count``) drops the hint where asked. Other
databases get the plain expression: PostgreSQL has statistics and chooses well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, Func
from django.db.models.sql.compiler import SQLCompiler

# Filters that match more rows than this are scanned in sort order for a page of rows;
# smaller ones are fetched through their index and sorted (at most this many rows).
SCAN_ABOVE = 5000

_COUNTING: ContextVar[bool] = ContextVar("rapport_counting", default=False)


class Unindexed(Func):
    arity = 1
    template = "%(expressions)s"

    def __init__(self, expression: Any, *, also_when_counting: bool, **extra: Any) -> None:
        super().__init__(expression, **extra)
        self.also_when_counting = also_when_counting

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        if _COUNTING.get() and not self.also_when_counting:
            return sql, list(params)
        return f"+{sql}", list(params)


def unindexed(expression: Expression | Any, *, also_when_counting: bool) -> Unindexed:
    return Unindexed(expression, also_when_counting=also_when_counting)


@contextmanager
def counting() -> Iterator[None]:
    token = _COUNTING.set(True)
    try:
        yield
    finally:
        _COUNTING.reset(token)
