"""CSV in any delimiter, quoting, line ending and (detected) encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from rapport.dataio.readers.base import FileProblem, Row, Table
from rapport.dataio.readers.encoding import detect_encoding

DELIMITERS = ",;\t|"
SNIFF_CHARS = 64 * 1024


def _guess_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    # The sniffer gives up on ragged rows: take the candidate the header uses most.
    header = lines[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, *, max_field_chars: int, delimiter: str = "") -> Table:
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="", errors="replace") as handle:
        sample = handle.read(SNIFF_CHARS)
    if not sample.strip():
        raise FileProblem("The file is empty.")
    chosen = delimiter or _guess_delimiter(sample)
    # Let the parser read a little past the limit so an over-long cell is reported
    # against its row rather than failing the whole file.
    csv.field_size_limit(max(max_field_chars * 4, 1 << 20))
    handle = path.open("r", encoding=encoding, newline="", errors="replace")
    reader = csv.reader(handle, delimiter=chosen)
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as exc:
        handle.close()
        raise FileProblem(f"The first line cannot be read as a header: {exc}") from exc
    headers = [h.replace("\ufeff", "").strip() for h in headers]
    if not any(headers):
        handle.close()
        raise FileProblem("The first line (the column names) is empty.")
    return Table("csv", headers, _rows(reader, handle, len(headers)), encoding, chosen)


def _rows(reader: Iterator[list[str]], handle: io.TextIOBase, width: int) -> Iterator[Row]:
    line = 2
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # The parser cannot continue past this point in the file.
                raise FileProblem(f"Line {line}: {exc}") from exc
            end = reader.line_num + 1  # type: ignore[attr-defined]
            start = line
            line = end
            if not any(c.strip() for c in cells):
                continue
            problem = ""
            if len(cells) != width and end - start > 1:
                problem = (
                    f"a quote opened on line {start} is not closed properly, so lines "
                    f"{start}–{end - 1} were read as one row"
                )
            elif len(cells) > width:
                extra = cells[width:]
                if any(c.strip() for c in extra):
                    problem = f"has {len(cells)} cells; the header has {width} columns"
                cells = cells[:width]
            yield Row(start, cells + [""] * (width - len(cells)), problem)
    finally:
        handle.close()
