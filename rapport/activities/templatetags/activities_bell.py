from django import template

from rapport.activities.bell import cached_unread

register = template.Library()


@register.simple_tag
def cached_unread_count(user: object) -> int | None:
    """The bell's count if the cache has it (never a query on a page load), else None."""
    pk = getattr(user, "pk", None)
    return cached_unread(pk) if isinstance(pk, int) else None
