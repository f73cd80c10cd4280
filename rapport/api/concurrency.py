"""ETags and conditional requests for single records (optimistic locking).

The ETag is ``"<id>-<version>"`` (a strong tag): ``version`` grows by one on every
write, so the tag changes exactly when the stored record does. ``If-Match`` is
optional but honoured on PATCH, DELETE and restore: a tag other than the
current one is answered with 412. ``If-None-Match`` on GET gives 304.
Weak forms (``W/"…"``) are accepted too, because proxies that compress responses
weaken ETags on the way to the client.
"""

from __future__ import annotations

from typing import Protocol

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from rapport.core.errors import StaleVersion


class Versioned(Protocol):
    pk: int
    version: int


def etag_for(record: Versioned) -> str:
    return f'"{record.pk}-{record.version}"'


def _listed_tags(header: str) -> set[str]:
    tags = set()
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag:
            tags.add(tag)
    return tags


def conditional_get(
    request: HttpRequest, response: HttpResponse, record: Versioned
) -> HttpResponse | None:
    """For a GET of one record: a 304 when the client's If-None-Match already names its
    current version; otherwise None, with the record's ETag set on ``response``."""
    etag = etag_for(record)
    header = request.headers.get("If-None-Match")
    if header:
        tags = _listed_tags(header)
        if "*" in tags or etag in tags:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return not_modified
    response["ETag"] = etag
    return None


def expected_version(request: HttpRequest, record: Versioned) -> int | None:
    """The version the client says it edited, from If-Match; None when it gave none.

    A matching tag returns the current version, which the service checks again
    under a row lock, so a write that lands in between still gets a 412.
    """
    header = request.headers.get("If-Match")
    if not header:
        return None
    tags = _listed_tags(header)
    if "*" in tags:
        return None
    etag = etag_for(record)
    if etag in tags:
        return record.version
    raise StaleVersion(
        f"This record changed since you loaded it (its ETag is now {etag}). "
        "Fetch it again and reapply your change."
    )
