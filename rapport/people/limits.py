"""How many tags, e-mails, phones and affiliations one record may hold.

Unbounded lists let one request store 50,000 tags on a person, after which every
page and API answer holding that person weighs megabytes. The limits are settings
(``RAPPORT["RECORD_LIMITS"]``, from ``RAPPORT_MAX_*`` in the environment); the
services, the bulk actions and the import all check them here.
"""

from __future__ import annotations

from collections.abc import Sized

from django.conf import settings

DEFAULTS = {"tags": 100, "emails": 20, "phones": 20, "organizations": 200}
NOUNS = {
    "tags": "tags",
    "emails": "e-mail addresses",
    "phones": "phone numbers",
    "organizations": "organisations",
}


def record_limit(field: str) -> int:
    limits = settings.RAPPORT.get("RECORD_LIMITS") or {}
    return int(limits.get(field, DEFAULTS[field]))


def over_limit_message(field: str, count: int) -> str | None:
    """Why ``count`` values of ``field`` are too many for one record, or None if they fit."""
    limit = record_limit(field)
    if count <= limit:
        return None
    return f"At most {limit:,} {NOUNS[field]} on one record; this has {count:,}."


def check_limit(field: str, values: Sized, errors: dict[str, list[str]]) -> bool:
    """Add an error for ``field`` when ``values`` are too many; returns whether they fit."""
    message = over_limit_message(field, len(values))
    if message is not None:
        errors.setdefault(field, []).append(message)
    return message is None
