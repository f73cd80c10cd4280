"""The API's request parser: django-ninja's JSON parser, with NUL dropped from all text.

Every body, query string and form the API reads passes here, so no handler can hand
a NUL to PostgreSQL (which refuses it with an error, a 500). The cleaner is core's.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from rapport.core.text import strip_nul_deep


class TextSafeParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return strip_nul_deep(super().parse_body(request))

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        return strip_nul_deep(super().parse_querydict(data, list_fields, request))
