"""Read transaction files (CSV or whitespace-separated) into a TransactionLog.

Bad rows are collected with their line and column. By default a file with any bad
row is rejected (silently dropping purchases would bias the models); ``skip`` keeps
the good rows and reports how many were dropped and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from rapport_analytics.clv.summary import TransactionLog

BadRowPolicy = Literal["fail", "skip"]
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
PROGRESS_EVERY = 250_000


@dataclass(frozen=True)
class ColumnSpec:
    """Column names (with a header) or 1-based positions (``has_header=False``)."""

    customer: str = "customer_id"
    date: str = "date"
    amount: str = "amount"
    date_format: str | None = None  # strptime format; None accepts YYYY-MM-DD and YYYYMMDD
    has_header: bool = True


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class InputFileError(ValueError):
    """The file cannot be used as given; ``problems`` lists bad rows if that is why."""

    def __init__(self, message: str, problems: tuple[RowProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class ReadResult:
    log: TransactionLog
    rows_read: int
    problems: tuple[RowProblem, ...]  # rows skipped (empty unless policy is "skip")


def describe_problems(problems: tuple[RowProblem, ...], *, limit: int = 20) -> str:
    shown = [f"  {problem}" for problem in problems[:limit]]
    if len(problems) > limit:
        shown.append(f"  ... and {len(problems) - limit} more")
    return "\n".join(shown)


def _detect_splitter(first_line: str) -> Callable[[str], list[str]]:
    for delimiter in (",", "\t", ";"):
        if delimiter in first_line:

            def split_delimited(line: str, delimiter: str = delimiter) -> list[str]:
                return next(csv.reader([line], delimiter=delimiter))

            return split_delimited
    return str.split


class _DateParser:
    """Parses date strings to day numbers, caching because logs repeat few distinct dates."""

    def __init__(self, date_format: str | None) -> None:
        self._format = date_format
        self._cache: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        if self._format is not None:
            parsed = dt.datetime.strptime(text, self._format).date()
        elif len(text) == 8 and text.isdigit():
            parsed = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        else:
            parsed = dt.date.fromisoformat(text[:10])
        day = parsed.toordinal() - _EPOCH_ORDINAL
        self._cache[text] = day
        return day


def _column_positions(spec: ColumnSpec, header: list[str] | None) -> dict[str, int]:
    wanted = {"customer": spec.customer, "date": spec.date, "amount": spec.amount}
    positions: dict[str, int] = {}
    for role, name in wanted.items():
        if header is None:
            if not name.isdigit() or int(name) < 1:
                raise InputFileError(
                    f"--{role}-col must be a 1-based column number when the file has no header"
                    f" (got {name!r})"
                )
            positions[role] = int(name) - 1
        else:
            cleaned = [column.strip() for column in header]
            if name not in cleaned:
                raise InputFileError(
                    f"{role} column {name!r} is not in the header (columns: {', '.join(cleaned)})"
                )
            positions[role] = cleaned.index(name)
    return positions


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.strip()
            if stripped:
                yield number, stripped


def read_transactions(
    path: str | Path,
    *,
    columns: ColumnSpec = ColumnSpec(),
    on_bad_row: BadRowPolicy = "fail",
    progress: Callable[[int], None] | None = None,
) -> ReadResult:
    """Read ``path``; raise InputFileError for a bad header or (policy "fail") bad rows."""
    source = Path(path)
    if not source.is_file():
        raise InputFileError(f"transactions file not found: {source}")
    lines = _lines(source)
    try:
        first_number, first_line = next(lines)
    except StopIteration:
        raise InputFileError(f"{source} is empty") from None
    split = _detect_splitter(first_line)
    header = split(first_line) if columns.has_header else None
    positions = _column_positions(columns, header)
    names = {role: str(getattr(columns, role)) for role in positions}
    parse_date = _DateParser(columns.date_format)
    ids: list[str] = []
    days: list[int] = []
    amounts: list[float] = []
    problems: list[RowProblem] = []

    def read_row(number: int, line: str) -> None:
        fields = split(line)
        values: dict[str, str] = {}
        for role, position in positions.items():
            if position >= len(fields) or not fields[position].strip():
                problems.append(RowProblem(number, names[role], f"missing {role} value"))
                return
            values[role] = fields[position].strip()
        try:
            day = parse_date(values["date"])
        except ValueError:
            hint = columns.date_format or "YYYY-MM-DD or YYYYMMDD"
            message = f"cannot read date {values['date']!r} (expected {hint})"
            problems.append(RowProblem(number, names["date"], message))
            return
        try:
            amount = float(values["amount"])
        except ValueError:
            problems.append(
                RowProblem(number, names["amount"], f"amount {values['amount']!r} is not a number")
            )
            return
        if not math.isfinite(amount) or amount < 0:
            message = f"amount {values['amount']!r} must be a non-negative number"
            problems.append(RowProblem(number, names["amount"], message))
            return
        ids.append(values["customer"])
        days.append(day)
        amounts.append(amount)

    rows = 0
    if header is None:
        read_row(first_number, first_line)
        rows += 1
    for number, line in lines:
        read_row(number, line)
        rows += 1
        if progress is not None and rows % PROGRESS_EVERY == 0:
            progress(rows)
    if problems and on_bad_row == "fail":
        raise InputFileError(
            f"{source}: {len(problems)} bad row(s) of {rows}:\n{describe_problems(tuple(problems))}",
            tuple(problems),
        )
    if not ids:
        raise InputFileError(f"{source} has no usable transactions")
    log = TransactionLog.from_arrays(
        customer_ids=np.array(ids), dates=np.array(days, dtype=np.int64), amounts=np.array(amounts)
    )
    return ReadResult(log=log, rows_read=rows, problems=tuple(problems))
