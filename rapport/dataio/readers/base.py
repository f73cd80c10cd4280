"""What every reader yields: a header and rows with the line each starts on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass
class Row:
    line: int
    cells: list[str]
    # A reader's note that makes the row unusable (e.g. an unclosed quote).
    problem: str = ""


@dataclass
class Table:
    format: str  # csv, xlsx, vcf
    headers: list[str]
    rows: Iterator[Row]
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)
