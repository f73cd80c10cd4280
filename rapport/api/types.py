"""Field types the request schemas share, bounded to what the database can hold.

Pydantic's ``int`` takes ``true`` for 1 and any number of digits, and its
``datetime`` takes ``9999-12-31T23:59:59-14:00``, which has no UTC value. Each
then failed only at the database (or when a page rendered it), as a 500. These
types refuse such input while the request is validated (a 422 naming the field),
and their bounds appear in the OpenAPI, so a client can see them.

- ``DbId``: an id in a JSON body: a JSON integer (not ``true`` or ``"1"``), 1 … 2⁶³−1.
- ``QueryId``: the same in a query string or path (text that reads as such a number).
- ``JsonInt``, ``Position``, ``Minutes``, ``Score``, ``JsonBool``: numbers and booleans a
  JSON body sends as such.
- ``ApiDate``: a date as ISO 8601 text (not a number of seconds).
- ``ApiDateTime``: ISO 8601 text for a date and time that still exists after conversion to UTC (and
  to any display time zone): between 0001-01-02 and 9999-12-30 UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, Field, JsonValue, Strict
from pydantic_core import PydanticCustomError

from rapport.core.params import MAX_DB_ID, MAX_INT


def json_integer(value: Any) -> Any:
    """What JSON Schema calls an integer: a number with no fraction (``3`` or ``3.0``),
    not ``true`` and not ``"3"``, which pydantic's lax ``int`` would also take."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("int_from_float", "Input should be a whole number")
        return int(value)
    return value


def json_number(value: Any) -> Any:
    """A JSON number, not ``true`` (which pydantic's lax ``float`` reads as 1.0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("float_type", "Input should be a number")
    return value


# The bounds come before the type check, so the OpenAPI shows them as minimum/maximum.
JsonInt = Annotated[int, BeforeValidator(json_integer)]
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID), BeforeValidator(json_integer)]
QueryId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
Position = Annotated[int, Field(ge=0, le=MAX_INT), BeforeValidator(json_integer)]
Minutes = Annotated[int, Field(ge=0, le=1440), BeforeValidator(json_integer)]
Score = Annotated[float, Field(ge=0, le=1), BeforeValidator(json_number)]
CheckLimit = Annotated[int, Field(ge=1, le=20), BeforeValidator(json_integer)]
JsonBool = Annotated[bool, Strict()]  # true or false, not 0, 1 or "yes"

# A day's margin each side, so the value can be shown in any time zone (±14 h).
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, 23, 59, 59, tzinfo=dt.UTC)


def storable_datetime(value: dt.datetime) -> dt.datetime:
    """``value`` if the database can store it and pages can show it; else a validation error."""
    aware = value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        in_utc = aware.astimezone(dt.UTC)
    except OverflowError:
        in_utc = None
    if in_utc is None or not EARLIEST <= in_utc <= LATEST:
        raise PydanticCustomError(
            "datetime_out_of_range", "Give a date and time between the years 1 and 9999 (in UTC)."
        )
    return value


def not_a_number(value: Any) -> Any:
    """Dates and times come as ISO 8601 text; pydantic would read ``0`` as 1970-01-01."""
    if isinstance(value, bool | int | float):
        raise PydanticCustomError("date_type", "Give the date (and time) as ISO 8601 text.")
    return value


ApiDateTime = Annotated[
    dt.datetime, BeforeValidator(not_a_number), AfterValidator(storable_datetime)
]
ApiDate = Annotated[dt.date, BeforeValidator(not_a_number)]

# Fields a write may leave out but not send as null (or empty). Python still sees
# ``X | None`` (so the service answers with its own message, as the pages do); only the
# OpenAPI changes: null is not offered, and blank text is marked as refused.
NON_BLANK: dict[str, JsonValue] = {"minLength": 1, "pattern": r"\S"}


def _documented(extra: dict[str, JsonValue]) -> Callable[[dict[str, JsonValue]], None]:
    def apply(schema: dict[str, JsonValue]) -> None:
        any_of = schema.pop("anyOf", None)
        if isinstance(any_of, list):
            kept = [s for s in any_of if not (isinstance(s, dict) and s.get("type") == "null")]
            if len(kept) == 1 and isinstance(kept[0], dict):
                schema.update(kept[0])
            else:
                schema["anyOf"] = kept
        schema.update(extra)

    return apply


def not_null(description: str | None = None) -> Any:
    """Field() for an optional value the service refuses as null."""
    return Field(None, description=description, json_schema_extra=_documented({}))


def non_blank(description: str | None = None) -> Any:
    """Field() for optional text the service refuses when null, empty or blank."""
    return Field(None, description=description, json_schema_extra=_documented(NON_BLANK))
