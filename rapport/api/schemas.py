"""Response shapes shared by every router."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from pydantic import ModelWrapValidatorHandler, model_validator
from pydantic_core import PydanticCustomError


class ErrorOut(Schema):
    detail: Any = Field(
        description="A message, or for 422 a mapping of field name → list of messages."
    )


class JsonObject(Schema):
    """A request body that must be a JSON object.

    ninja's Schema reads any value through attribute access, so a body of ``null`` or
    ``[1, 2]`` became an object with every field left out (a 200 from a check that
    takes only optional fields). A schema that forbids unknown keys already refuses
    that; one that ignores them derives from this.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _only_an_object(cls, value: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if not isinstance(value, dict | cls):
            raise PydanticCustomError("model_type", "The request body must be a JSON object.")
        return handler(value)
