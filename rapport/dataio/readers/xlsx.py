"""XLSX through openpyxl's read-only mode (rows streamed, never the whole sheet).

Formula cells come back as their formula text: they are stored, never evaluated.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rapport.dataio.readers.base import FileProblem, Row, Table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(f"This is not a readable XLSX workbook ({exc}).") from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        workbook.close()
        raise FileProblem("The workbook has no sheets.")
    rows = sheet.iter_rows(values_only=True)
    try:
        header_row = next(rows)
    except StopIteration:
        workbook.close()
        raise FileProblem("The first sheet is empty.") from None
    headers = [_text(v).strip() for v in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        workbook.close()
        raise FileProblem("The first row (the column names) is empty.")
    return Table("xlsx", headers, _rows(rows, workbook, len(headers)))


def _rows(rows: Iterator[tuple[Any, ...]], workbook: Any, width: int) -> Iterator[Row]:
    try:
        for number, values in enumerate(rows, start=2):
            cells = [_text(v) for v in values[:width]]
            if not any(c.strip() for c in cells):
                continue
            yield Row(number, cells + [""] * (width - len(cells)))
    finally:
        workbook.close()
