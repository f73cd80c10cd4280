"""Transaction log to per-customer (x, t_x, T, mean repeat spend) summaries.

Everything is vectorised: one sort of the (customer, day) keys, then segment
reductions. Purchases on the same day are one transaction, as in the BTYD papers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_EPOCH = np.datetime64("1970-01-01", "D")


class TimeUnit(StrEnum):
    """The period the models count time in; parameters are tied to it."""

    DAY = "day"
    WEEK = "week"

    @property
    def days(self) -> int:
        return 1 if self is TimeUnit.DAY else 7


DateLike = dt.date | np.datetime64 | str | int


def to_day_number(value: DateLike) -> int:
    """Days since 1970-01-01 for a date, an ISO string, a datetime64, or an int day."""
    if isinstance(value, int | np.integer):
        return int(value)
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    day = np.datetime64(text[:10], "D")
    return int((day - _EPOCH).astype(np.int64))


def day_number_to_date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def _as_day_numbers(dates: npt.ArrayLike) -> IntArray:
    array = np.asarray(dates)
    if np.issubdtype(array.dtype, np.datetime64):
        return (array.astype("datetime64[D]") - _EPOCH).astype(np.int64)
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.int64, copy=False)
    raise TypeError(f"dates must be datetime64 or integer day numbers, not {array.dtype}")


@dataclass(frozen=True)
class TransactionLog:
    """One row per purchase. ``days`` are integer day numbers (any fixed origin)."""

    customer_ids: npt.NDArray[np.generic]
    days: IntArray
    amounts: FloatArray

    @classmethod
    def from_arrays(
        cls, *, customer_ids: npt.ArrayLike, dates: npt.ArrayLike, amounts: npt.ArrayLike
    ) -> TransactionLog:
        ids = np.asarray(customer_ids)
        days = _as_day_numbers(dates)
        values = np.asarray(amounts, dtype=np.float64)
        if not (ids.ndim == days.ndim == values.ndim == 1):
            raise ValueError("customer_ids, dates and amounts must be 1-D arrays")
        if not (len(ids) == len(days) == len(values)):
            raise ValueError("customer_ids, dates and amounts must have the same length")
        if len(values) and (not np.all(np.isfinite(values)) or values.min() < 0):
            raise ValueError("amounts must be finite and non-negative")
        return cls(customer_ids=ids, days=days, amounts=values)

    def __len__(self) -> int:
        return len(self.days)


@dataclass(frozen=True)
class CustomerSummary:
    """Per-customer repeat frequency x, recency t_x and age T (in ``unit``), mean repeat spend.

    Customers are sorted by id. ``monetary_value`` is 0 when x = 0.
    """

    customer_ids: npt.NDArray[np.generic]
    frequency: FloatArray
    recency: FloatArray
    age: FloatArray
    monetary_value: FloatArray
    unit: TimeUnit
    calibration_end_day: int

    def __len__(self) -> int:
        return len(self.frequency)


@dataclass(frozen=True)
class _DailyPurchases:
    """Same-day purchases merged: one row per (customer, day), grouped by customer."""

    customer_codes: IntArray  # per row, ascending
    days: IntArray  # per row, ascending within a customer
    amounts: FloatArray
    unique_ids: npt.NDArray[np.generic]  # id of each customer code


def _merge_same_day(
    customer_ids: npt.NDArray[np.generic], days: IntArray, amounts: FloatArray
) -> _DailyPurchases:
    if np.issubdtype(customer_ids.dtype, np.integer) and len(customer_ids):
        low = int(customer_ids.min())
        codes = customer_ids.astype(np.int64) - low
        unique_ids: npt.NDArray[np.generic] | None = None
    else:
        unique_ids, inverse = np.unique(customer_ids, return_inverse=True)
        codes = inverse.astype(np.int64).ravel()
        low = 0
    if len(days) == 0:
        empty = np.zeros(0, dtype=np.int64)
        ids = customer_ids[:0] if unique_ids is None else unique_ids
        return _DailyPurchases(empty, empty, np.zeros(0), ids)
    first_day = int(days.min())
    span = int(days.max()) - first_day + 1
    if int(codes.max()) >= np.iinfo(np.int64).max // span:
        raise ValueError("customer id range too large to index; map ids to smaller integers")
    # One int64 key orders by customer then day, so a single sort groups everything.
    keys = codes * span + (days - first_day)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    new_group = np.empty(len(sorted_keys), dtype=bool)
    new_group[0] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new_group[1:])
    starts = np.flatnonzero(new_group)
    merged_keys = sorted_keys[starts]
    merged_amounts = np.add.reduceat(amounts[order], starts)
    merged_codes = merged_keys // span
    merged_days = merged_keys % span + first_day
    if unique_ids is None:
        # Codes are already sorted, so dense codes are a running count of changes.
        changes = np.empty(len(merged_codes), dtype=bool)
        changes[0] = True
        np.not_equal(merged_codes[1:], merged_codes[:-1], out=changes[1:])
        unique_ids = (merged_codes[changes] + low).astype(customer_ids.dtype)
        merged_codes = np.cumsum(changes) - 1
    return _DailyPurchases(merged_codes, merged_days, merged_amounts, unique_ids)


def summarize_transactions(
    log: TransactionLog,
    *,
    calibration_end: DateLike | None = None,
    unit: TimeUnit = TimeUnit.WEEK,
) -> CustomerSummary:
    """Summarise purchases up to and including ``calibration_end`` (default: last day)."""
    end_day = int(log.days.max()) if calibration_end is None else to_day_number(calibration_end)
    in_window = log.days <= end_day
    daily = _merge_same_day(
        log.customer_ids[in_window], log.days[in_window], log.amounts[in_window]
    )
    codes = daily.customer_codes
    if len(codes) == 0:
        empty = np.zeros(0)
        return CustomerSummary(daily.unique_ids, empty, empty, empty, empty, unit, end_day)
    is_first = np.empty(len(codes), dtype=bool)
    is_first[0] = True
    np.not_equal(codes[1:], codes[:-1], out=is_first[1:])
    starts = np.flatnonzero(is_first)
    ends = np.append(starts[1:], len(codes)) - 1
    first_day = daily.days[starts]
    repeat_count = (ends - starts).astype(np.float64)
    repeat_spend = np.add.reduceat(daily.amounts, starts) - daily.amounts[starts]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_repeat_spend = np.where(repeat_count > 0, repeat_spend / repeat_count, 0.0)
    scale = float(unit.days)
    return CustomerSummary(
        customer_ids=daily.unique_ids,
        frequency=repeat_count,
        recency=(daily.days[ends] - first_day) / scale,
        age=(end_day - first_day) / scale,
        monetary_value=np.maximum(mean_repeat_spend, 0.0),
        unit=unit,
        calibration_end_day=end_day,
    )


def count_period_purchases(
    log: TransactionLog,
    *,
    customer_ids: npt.NDArray[np.generic],
    start_after: DateLike,
    end: DateLike,
) -> FloatArray:
    """Purchase days in (start_after, end] for each of ``customer_ids`` (sorted, unique)."""
    low, high = to_day_number(start_after), to_day_number(end)
    in_window = (log.days > low) & (log.days <= high)
    daily = _merge_same_day(
        log.customer_ids[in_window], log.days[in_window], log.amounts[in_window]
    )
    counts_by_code = np.bincount(daily.customer_codes, minlength=len(daily.unique_ids))
    result = np.zeros(len(customer_ids))
    if len(daily.unique_ids) == 0:
        return result
    position = np.searchsorted(customer_ids, daily.unique_ids)
    position = np.minimum(position, len(customer_ids) - 1)
    known = customer_ids[position] == daily.unique_ids
    result[position[known]] = counts_by_code[known]
    return result


@dataclass(frozen=True)
class CalibrationHoldout:
    """Calibration summary plus each calibration customer's holdout purchase count."""

    calibration: CustomerSummary
    holdout_purchases: FloatArray
    holdout_length: float  # in the summary's unit


def split_calibration_holdout(
    log: TransactionLog,
    *,
    calibration_end: DateLike,
    holdout_end: DateLike,
    unit: TimeUnit = TimeUnit.WEEK,
) -> CalibrationHoldout:
    calibration = summarize_transactions(log, calibration_end=calibration_end, unit=unit)
    end_day = to_day_number(holdout_end)
    if end_day <= calibration.calibration_end_day:
        raise ValueError("holdout_end must be after calibration_end")
    holdout = count_period_purchases(
        log, customer_ids=calibration.customer_ids, start_after=calibration_end, end=holdout_end
    )
    length = (end_day - calibration.calibration_end_day) / unit.days
    return CalibrationHoldout(calibration, holdout, length)
