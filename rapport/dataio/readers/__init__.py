"""Readers for import files: CSV, XLSX and vCard, each giving a header and rows."""

from __future__ import annotations

from pathlib import Path

from rapport.core.text import strip_nul
from rapport.dataio.readers.base import FileProblem, Row, Table
from rapport.dataio.readers.csvfile import read_csv
from rapport.dataio.readers.vcard import read_vcard
from rapport.dataio.readers.xlsx import read_xlsx

__all__ = ["FORMATS", "FileProblem", "Row", "Table", "detect_format", "open_table"]

FORMATS = ("csv", "xlsx", "vcf")
_XLSX_MAGIC = b"PK\x03\x04"


def detect_format(path: Path, name: str = "") -> str:
    """From the content first (a renamed file still opens), then the file name."""
    with path.open("rb") as handle:
        head = handle.read(2048)
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    probe = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00").replace(b"\x00", b"").upper()
    if probe.lstrip().startswith(b"BEGIN:VCARD"):
        return "vcf"
    suffix = Path(name or path.name).suffix.lower()
    if suffix in (".vcf", ".vcard"):
        return "vcf"
    return "csv"


def open_table(path: Path, *, max_field_chars: int, file_format: str = "", delimiter: str = "",
               name: str = "") -> Table:  # fmt: skip
    fmt = file_format or detect_format(path, name)
    if path.stat().st_size == 0:
        raise FileProblem("The file is empty.")
    if fmt == "xlsx":
        table = read_xlsx(path)
    elif fmt == "vcf":
        table = read_vcard(path)
    else:
        table = read_csv(path, max_field_chars=max_field_chars, delimiter=delimiter)
    # Column names end up in the mapping (JSON) and in error reports: no NULs, bounded.
    table.headers = [strip_nul(h)[:255] for h in table.headers]
    return table
