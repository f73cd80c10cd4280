"""The bell's unread count, remembered in the cache so pages can show it without a query.

A page renders the count only if the cache has it; otherwise the bell asks for it
with HTMX once the page is up. Writes forget the count; it is also short-lived,
because with the in-process cache each server process has its own copy.
"""

from __future__ import annotations

from django.core.cache import cache

from rapport.accounts.models import User
from rapport.activities.models import Notification

TTL_SECONDS = 60


def _key(user_id: int) -> str:
    return f"rapport:unread:{user_id}"


def cached_unread(user_id: int) -> int | None:
    value = cache.get(_key(user_id))
    return value if isinstance(value, int) else None


def unread_count(user: User) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    cache.set(_key(user.pk), count, TTL_SECONDS)
    return count


def forget_unread(user_id: int) -> None:
    cache.delete(_key(user_id))
