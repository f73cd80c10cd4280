"""Numbers and ids from request parameters, checked before they reach the database.

A query string or form carries text: ``int()`` accepts ``"٣"`` but not ``"²"``
(which ``str.isdigit`` accepts), and happily makes ``99999999999999999999``,
which SQLite cannot bind and PostgreSQL's bigint cannot hold. Every id a page,
export or API handler parses from text comes through here, so such input is a
clear 422 (or is ignored, where a page falls back to a default) and never a 500.
"""

from __future__ import annotations

import re
from typing import Any

from rapport.core.errors import ValidationFailed

MAX_DB_ID = 2**63 - 1  # a BigAutoField's range on SQLite and PostgreSQL
MAX_INT = 2**31 - 1  # an IntegerField's range on PostgreSQL
MAX_PAGE = 1_000_000  # page numbers past this are clamped: no list is that long

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def id_or_none(value: Any) -> int | None:
    """``value`` as a database id (ASCII digits, 1 … 2⁶³−1), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_DB_ID else None
    text = str(value if value is not None else "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_DB_ID else None


def parse_id(value: Any, *, field: str) -> int:
    """``value`` as a database id, or ValidationFailed naming ``field``."""
    number = id_or_none(value)
    if number is None:
        raise ValidationFailed({field: [f"{str(value)[:40]!r} is not a valid id."]})
    return number


def page_number(value: Any, default: int = 1) -> int:
    """A 1-based page number from a query string; anything unusable gives ``default``."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit():
        return default
    return max(1, MAX_PAGE if len(text) > 7 else min(int(text), MAX_PAGE))
