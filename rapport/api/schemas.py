"""Response shapes shared by every router."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: Any = Field(
        description="A message, or for 422 a mapping of field name → list of messages."
    )
