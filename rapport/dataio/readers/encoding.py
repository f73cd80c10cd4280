"""Which text encoding a file is in: byte-order marks first, then UTF-8, then Windows-1252.

Strict UTF-8 decoding almost never succeeds on text in another encoding, so a file
that decodes as UTF-8 from end to end is taken as UTF-8. Spreadsheet exports
without a BOM are otherwise nearly always Windows-1252 (a superset of Latin-1 for
printable text); bytes Windows-1252 leaves undefined fall back to Latin-1, which
decodes anything. A general detector (charset-normalizer) adds little on top of
this for CSV exports and would be one more dependency.
"""

from __future__ import annotations

import codecs
from pathlib import Path

CHUNK = 1 << 20
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        handle.seek(0)
        sample = handle.read(4096)
        utf16 = _utf16_without_bom(sample)
        if utf16:
            return utf16
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            if _CP1252_UNDEFINED.intersection(chunk):
                return "latin-1"
    return "cp1252"


def _utf16_without_bom(sample: bytes) -> str | None:
    """Text in UTF-16 has a NUL in every other byte when it is mostly ASCII."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None
