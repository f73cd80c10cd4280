"""Full-text search over people and organisations.

Each record keeps a ``search_text`` (names, e-mails, phone digits, organisation
names), folded to lower case without accents. SQLite indexes it with FTS5 and
matches word prefixes; PostgreSQL indexes it with a trigram GIN index and
matches fragments. The index objects are created by migrations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

from rapport.people.normalize import fold, phone_search_tokens

M = TypeVar("M", bound=Model)
_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 6


def build_search_text(
    *, names: Iterable[str], emails: Iterable[str] = (), phones: Iterable[str] = (), extra: Iterable[str] = ()
) -> str:
    parts: list[str] = [n for n in names if n]
    parts.extend(e for e in emails if e)
    for phone in phones:
        parts.extend(phone_search_tokens(phone))
    parts.extend(x for x in extra if x)
    return fold(" ".join(parts))


def query_tokens(query: str) -> list[str]:
    return _TOKEN.findall(fold(query))[:MAX_TOKENS]


def apply_search(queryset: QuerySet[M], query: str) -> QuerySet[M]:
    """Filter ``queryset`` to rows whose search text matches every word of ``query``."""
    tokens = query_tokens(query)
    if not tokens:
        return queryset
    table = queryset.model._meta.db_table
    if connection.vendor == "sqlite":
        fts_query = " ".join('"' + t.replace('"', "") + '"*' for t in tokens)
        return queryset.extra(  # noqa: S610 -- parameters are bound, the table name is ours
            where=[f"{table}.id IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s)"],
            params=[fts_query],
        )
    for token in tokens:
        queryset = queryset.filter(search_text__contains=token)
    return queryset
