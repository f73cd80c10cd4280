"""Errors that services raise and views/API handlers translate for the user."""

from __future__ import annotations


class RapportError(Exception):
    status_code = 400

    def __init__(self, detail: str | dict[str, list[str]]) -> None:
        super().__init__(detail if isinstance(detail, str) else "invalid input")
        self.detail = detail


class ValidationFailed(RapportError):
    """Input was understood but is not acceptable; ``detail`` maps field → messages."""

    status_code = 422


class PermissionDenied(RapportError):
    status_code = 403


class NotFound(RapportError):
    status_code = 404


class Conflict(RapportError):
    status_code = 409


class StaleVersion(RapportError):
    """The client edited an older version of the record than the one stored."""

    status_code = 412
