"""The events API: every signed-in role may read it; what it shows is filtered by
visibility (tests/rapport/core/test_events_api.py)."""

from __future__ import annotations

from tests.rapport.security.matrix import EVERYONE, Case

PAGES: dict[str, list[Case]] = {}

API: dict[tuple[str, str], Case] = {
    ("GET", "/events"): Case("GET", frozenset(EVERYONE)),
}
