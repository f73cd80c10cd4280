"""Formula-injection protection for files opened in spreadsheets (OWASP "CSV injection").

A cell starting with = + - @ or a tab / carriage return may be run as a formula by
Excel, LibreOffice or Google Sheets; a leading apostrophe makes them show it as text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
