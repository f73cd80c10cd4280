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

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import F, ForeignObjectRel, Model, QuerySet
from django.db.models.expressions import RawSQL

from rapport.people.normalize import fold, phone_search_tokens
from rapport.people.plans import SCAN_ABOVE, unindexed

M = TypeVar("M", bound=Model)
_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 6


def build_search_text(
    *,
    names: Iterable[str],
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    extra: Iterable[str] = (),
) -> str:
    parts: list[str] = [n for n in names if n]
    parts.extend(e for e in emails if e)
    for phone in phones:
        parts.extend(phone_search_tokens(phone))
    parts.extend(x for x in extra if x)
    return fold(" ".join(parts))


def organization_search_text(*, name: str, domain: str, phone: str) -> str:
    """An organisation's search text: its name, switchboard number and web domain."""
    return build_search_text(names=[name], phones=[phone] if phone else (), extra=[domain])


def query_tokens(query: str) -> list[str]:
    return _TOKEN.findall(fold(query))[:MAX_TOKENS]


def apply_search(queryset: QuerySet[M], query: str) -> QuerySet[M]:
    """Filter ``queryset`` to rows whose search text matches every word of ``query``.

    Text with an ``@`` in it is taken as an e-mail address being typed and matched
    against the start of the record's e-mail addresses (an index range): its words
    would otherwise include the domain's, which nearly every row shares.
    """
    email_match = _email_match(queryset, query)
    if email_match is not None:
        return email_match
    tokens = query_tokens(query)
    if not tokens:
        return queryset
    table = queryset.model._meta.db_table
    if connection.vendor == "sqlite":
        fts_query = " ".join('"' + t.replace('"', "") + '"*' for t in tokens)
        # The table name is the model's own; the user's words are a bound parameter.
        matches = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({matches} LIMIT {SCAN_ABOVE + 1})", [fts_query])  # noqa: S608
            many = int(cursor.fetchone()[0]) > SCAN_ABOVE
        if many:  # walk the list's sort order instead of sorting every match (rapport.people.plans)
            queryset = queryset.alias(_search_pk=unindexed(F("pk"), also_when_counting=False))
            return queryset.filter(_search_pk__in=RawSQL(matches, [fts_query]))  # noqa: S611
        return queryset.filter(pk__in=RawSQL(matches, [fts_query]))  # noqa: S611
    for token in tokens:
        queryset = queryset.filter(search_text__contains=token)
    return queryset


def _email_match(queryset: QuerySet[M], query: str) -> QuerySet[M] | None:
    text = query.strip().lower()
    local, at, _ = text.partition("@")
    if not (at and local) or " " in text:
        return None
    try:
        relation = queryset.model._meta.get_field("emails")
    except FieldDoesNotExist:
        return None
    if not isinstance(relation, ForeignObjectRel) or isinstance(relation.related_model, str):
        return None
    addresses = relation.related_model._default_manager.all()
    if connection.vendor == "sqlite":  # LIKE ignores case there, so only a range uses the index
        addresses = addresses.filter(email__gte=text, email__lt=text + "\U0010ffff")
    else:
        addresses = addresses.filter(email__startswith=text)
    return queryset.filter(pk__in=addresses.values(relation.field.attname))
