"""Cleaning text where it enters: the one place every entry point calls.

* NUL is dropped from all text: PostgreSQL cannot store it (a 500, not a 422), and
  no one types it. ``strip_nul`` for one string, ``strip_nul_deep`` for a parsed
  JSON body or form, ``strip_nul_querydict`` for Django's ``request.GET``/``POST``.
* Single-line text (names, titles, tags, labels) goes through ``clean_text``:
  Unicode NFC, whitespace collapsed, and the invisible characters no one types in a
  name dropped: C0/C1 control characters and the bidirectional embedding, override
  and isolate characters (U+202A–U+202E, U+2066–U+2069), which can make a name read
  differently from what it is (``"\\u202egnp.exe"`` shows as "exe.png"). Letters of
  right-to-left scripts need none of them; the marks U+200E/U+200F stay.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TypeVar, cast

from django.http import QueryDict

Q = TypeVar("Q", bound=QueryDict)

NUL = "\x00"
# C0 controls bar the whitespace ones (collapsed to a space anyway), DEL, C1 controls,
# and the bidi embeddings/overrides/isolates.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


class InvalidValue(ValueError):
    """A value that cannot be normalised; the message says why, for the user."""


def strip_nul(text: str) -> str:
    return text.replace(NUL, "") if NUL in text else text


def strip_nul_deep(value: Any) -> Any:
    """``value`` with NUL dropped from every string in it, keys included (JSON shapes)."""
    if isinstance(value, str):
        return strip_nul(value)
    if isinstance(value, dict):
        return {strip_nul_deep(k): strip_nul_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_nul_deep(v) for v in value]
    return value


def strip_nul_querydict(data: Q) -> Q:
    """The same QueryDict if it holds no NUL, else a cleaned (immutable) copy."""
    if not any(NUL in key or any(NUL in v for v in values if isinstance(v, str))
               for key, values in data.lists()):  # fmt: skip
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(strip_nul(key), [strip_nul_deep(v) for v in values])
    cleaned._mutable = False
    return cast(Q, cleaned)


def clean_text(value: str | None, *, max_length: int | None = None) -> str:
    """One line of text as stored: NFC, no invisible characters, whitespace collapsed."""
    if value is None:
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", str(value)))
    text = " ".join(text.split())
    if max_length is not None and len(text) > max_length:
        raise InvalidValue(f"is {len(text)} characters long; the limit is {max_length}.")
    return text


def has_invisible(text: str) -> bool:
    return _INVISIBLE.search(text) is not None
