"""Keyset (cursor) pagination over the selectors' sorted querysets.

The selectors decide the order (``PERSON_SORTS`` / ``ORG_SORTS``, always ending in
the id, so the order is total). We read that order back from the queryset,
annotate each sort key, and continue after the last row's key values: every page
is one indexed range scan, whatever the page number, and no COUNT(*) is run.

The cursor is opaque to clients: the sort name and the last row's key values,
JSON in URL-safe base64, signed with the secret key so a tampered cursor is a
clean 400 instead of a malformed query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Expression, F, OrderBy, Q, QuerySet
from django.http import HttpRequest
from ninja.errors import HttpError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "rapport.api.cursor"
_KEY = "_cursor_key_{}"


@dataclass
class Page:
    items: list[Any]
    next_url: str | None


def _sort_keys(qs: QuerySet[Any]) -> list[tuple[Any, bool]]:
    """The queryset's ORDER BY as (expression, descending) pairs."""
    keys: list[tuple[Any, bool]] = []
    for item in qs.query.order_by:
        if isinstance(item, str):
            descending = item.startswith("-")
            keys.append((F(item.lstrip("-")), descending))
        elif isinstance(item, OrderBy):
            keys.append((item.expression, bool(item.descending)))
        elif isinstance(item, Expression):
            keys.append((item, False))
        else:  # pragma: no cover - the selectors only order by fields and expressions
            raise TypeError(f"Cannot paginate by {item!r}.")
    if not keys:
        raise TypeError("Keyset pagination needs an ordered queryset.")
    return keys


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"dt"}:
        return dt.datetime.fromisoformat(value["dt"])
    if isinstance(value, dict) and set(value) == {"d"}:
        return dt.date.fromisoformat(value["d"])
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    raise ValueError("unexpected cursor value")


def encode_cursor(sort: str, values: list[Any]) -> str:
    return signing.dumps(
        {"s": sort, "k": [_encode_value(v) for v in values]}, salt=_SALT, compress=True
    )


def decode_cursor(cursor: str, *, sort: str, size: int) -> list[Any]:
    try:
        payload = signing.loads(cursor, salt=_SALT)
        if payload.get("s") != sort:
            raise ValueError("sort mismatch")
        values = [_decode_value(v) for v in payload["k"]]
    except (signing.BadSignature, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise HttpError(
            400, "The cursor is not valid for this list; start again from the first page."
        ) from exc
    if len(values) != size:
        raise HttpError(
            400, "The cursor is not valid for this list; start again from the first page."
        )
    return values


def _after(names: list[str], descending: list[bool], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the order: (a > a0) or (a = a0 and b > b0) or …

    The redundant leading ``a >= a0`` lets the database start an index range scan
    at the cursor instead of filtering every earlier row (deep pages stay cheap).
    """
    expanded = Q()
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{'lt' if descending[i] else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{names[j]: values[j]})
        expanded |= step
    return Q(**{f"{names[0]}__{'lte' if descending[0] else 'gte'}": values[0]}) & expanded


def paginate(request: HttpRequest, qs: QuerySet[Any], *, sort: str, limit: int) -> Page:
    """One page of ``qs`` after ``?cursor=`` (if given) and the URL of the next page."""
    keys = _sort_keys(qs)
    names = [_KEY.format(i) for i in range(len(keys))]
    descending = [desc for _, desc in keys]
    qs = qs.annotate(**{name: expr for name, (expr, _) in zip(names, keys, strict=True)})
    cursor = request.GET.get("cursor")
    if cursor:
        qs = qs.filter(_after(names, descending, decode_cursor(cursor, sort=sort, size=len(keys))))
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return Page(items=rows, next_url=None)
    rows = rows[:limit]
    last = rows[-1]
    params = request.GET.copy()
    params["cursor"] = encode_cursor(sort, [getattr(last, name) for name in names])
    return Page(
        items=rows, next_url=request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    )
