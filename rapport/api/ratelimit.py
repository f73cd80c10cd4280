"""A fixed-window request limit per API token or session user, counted where every
server process sees it (rapport.core.ratelimit: Redis, or the database).

A fixed window (count requests per calendar minute) costs one increment per
request and needs no history; its known weakness, a burst of up to twice the limit
across a minute boundary, is acceptable for protecting a small self-hosted server.
"""

from __future__ import annotations

import time

from django.conf import settings
from ninja.errors import HttpError

from rapport.core.ratelimit import Window, rate_hit

WINDOW_SECONDS = 60


class RateLimited(HttpError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, f"Too many requests; try again in {retry_after} seconds.")
        self.retry_after = retry_after


def limit_per_minute() -> int:
    return int(settings.RAPPORT.get("API_RATE_LIMIT_PER_MINUTE", 600))


def enforce_rate_limit(identity: str) -> None:
    """Count one request for ``identity``; raise RateLimited once it is over the limit."""
    limit = limit_per_minute()
    if limit <= 0:  # 0 (or less) switches the limit off
        return
    window = Window(WINDOW_SECONDS, time.time())
    count = rate_hit(f"api:{identity}", window_seconds=WINDOW_SECONDS, now=window.now)
    if count > limit:
        raise RateLimited(window.seconds_left)
