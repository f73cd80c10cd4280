"""The error answers operations list in ``response={...}``, written once.

Every error body is ``ErrorOut`` (``{"detail": …}``, rapport/api/errors.py). An
operation documents what it can answer itself; rapport/api/openapi.py adds what the
shared machinery answers (401, 429, 422, 400, 413) to operations that lack it.
"""

from __future__ import annotations

from rapport.api.schemas import ErrorOut


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)


# An operation on records the caller may or may not see.
ERRORS = error_responses(400, 401, 403, 404, 422, 429)
# A write, which may also conflict (409) or find the record changed since it was read (412).
WRITE_ERRORS = {**ERRORS, **error_responses(409, 412)}
# A query or a check that addresses no record by id, so never answers 404.
QUERY_ERRORS = error_responses(400, 401, 403, 422, 429)
