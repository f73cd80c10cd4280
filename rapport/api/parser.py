"""The API's request parser: a body must be a JSON object of text Python can store and
send, and NUL is dropped from all text.

- ``json.loads`` accepts ``"\\ud800"`` (half of a UTF-16 surrogate pair), which no UTF-8
  encoder can write, so it failed later, at the database or the response (a 500): refused
  here with a 400.
- A top-level array or scalar is refused (422): ninja's schemas read it as an object with
  every field left out. ``null`` passes, for operations whose body is optional; schemas
  that need an object refuse it (rapport.api.schemas.JsonObject).
- NUL is dropped from every body, query string and form the API reads, so no handler can
  hand one to PostgreSQL (which refuses it with an error, a 500). The cleaner is core's.

Errors raised here reach the client as ``{"detail": …}`` (see rapport.api.errors).
"""

from __future__ import annotations

import json
import re
from typing import Any, cast

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from rapport.core.text import strip_nul_deep

_SURROGATE = re.compile("[\ud800-\udfff]")


class UnacceptableBody(ValueError):
    """The body cannot be read as a request; the message says why, ``status`` how to answer."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _has_lone_surrogate(value: Any) -> bool:
    # json.loads joins a valid pair (\ud83d\ude00) into one character, so any
    # code point left in U+D800–U+DFFF is half of a pair.
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


class TextSafeParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError) as exc:
            raise UnacceptableBody("The request body is not valid JSON (UTF-8).") from exc
        if data is None:  # an operation whose body is optional may be sent `null`
            return cast(dict[str, Any], None)
        if not isinstance(data, dict):
            raise UnacceptableBody("The request body must be a JSON object.", status=422)
        if _has_lone_surrogate(data):
            raise UnacceptableBody(
                "The request body holds an unpaired UTF-16 surrogate (like \\ud800); "
                "send text as valid Unicode."
            )
        return cast(dict[str, Any], strip_nul_deep(data))

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        return cast(
            dict[str, Any], strip_nul_deep(super().parse_querydict(data, list_fields, request))
        )
