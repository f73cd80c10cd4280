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


# A workbook is a zip: a few kilobytes can unpack to gigabytes (a 99 KB file held a
# 100 MB shared string, and openpyxl loads all shared strings at once). Real sheets
# compress 5-20 times; an entry past this ratio, once big enough to matter, is refused.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1 << 20
MAX_UNPACKED_BYTES = 2 << 30


def check_unpacked_size(path: Path) -> None:
    """Refuse a zip bomb before any XML is parsed (reads the zip's directory only)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(f"This is not a readable XLSX workbook ({exc}).") from exc
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise FileProblem(
                f"The workbook's part {entry.filename!r} unpacks to {entry.file_size / 1e6:,.0f} MB "
                f"from {entry.compress_size / 1e3:,.0f} KB: refused as a zip bomb. Save the sheet "
                "as CSV and import that."
            )
    if total > MAX_UNPACKED_BYTES:
        raise FileProblem(
            f"The workbook unpacks to {total / 1e9:,.1f} GB, more than the "
            f"{MAX_UNPACKED_BYTES / 1e9:,.0f} GB an import reads. Save the sheet as CSV."
        )


def read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    check_unpacked_size(path)
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
