"""A fixed-window request limit per API token or session user, kept in Django's cache.

A fixed window (count requests per calendar minute) costs one cache increment per
request and needs no history; its known weakness, a burst of up to twice the limit
across a minute boundary, is acceptable for protecting a small self-hosted server.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from ninja.errors import HttpError

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
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"rapport:api-rate:{identity}:{window}"
    # add() is a no-op when the key exists, so concurrent first requests do not reset it.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 30)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS + 30)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        raise RateLimited(retry_after)
