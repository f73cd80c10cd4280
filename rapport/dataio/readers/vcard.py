"""vCard 2.1, 3.0 and 4.0 (RFC 2426, RFC 6350): the properties a CRM keeps.

A small parser of our own: line unfolding, parameters, escapes, quoted-printable
(2.1) and multiple values are all a vCard file needs here; each card becomes a
row under fixed column names that the mapping recognises.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from pathlib import Path

from rapport.dataio.readers.base import FileProblem, Row, Table
from rapport.dataio.readers.encoding import detect_encoding

HEADERS = [
    "UID", "Prefix", "First name", "Middle name", "Last name", "Suffix", "Full name",
    "E-mail", "Phone", "Organization", "Job title", "Street", "City", "Region",
    "Postal code", "Country", "Birthday", "Categories",
]  # fmt: skip
_INDEX = {h: i for i, h in enumerate(HEADERS)}
_SPLIT_UNESCAPED = re.compile(r"(?<!\\);")


def _unescape(value: str) -> str:
    out = []
    chars = iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(ch)
    return "".join(out)


def _components(value: str) -> list[str]:
    return [_unescape(part) for part in _SPLIT_UNESCAPED.split(value)]


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Unfold continuation lines (leading space/tab; '=' soft breaks in 2.1 QP)."""
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and current:
            current.append(raw[1:])
            continue
        if current and current[-1].endswith("=") and "QUOTED-PRINTABLE" in current[0].upper():
            current[-1] = current[-1][:-1]
            current.append(raw)
            continue
        if current:
            yield start, "".join(current)
        current, start = [raw], number
    if current:
        yield start, "".join(current)


def _parse_property(line: str) -> tuple[str, dict[str, str], str] | None:
    name_part, sep, value = line.partition(":")
    if not sep:
        return None
    pieces = name_part.split(";")
    name = pieces[0].split(".")[-1].upper()  # drop a group prefix ("item1.EMAIL")
    params: dict[str, str] = {}
    for piece in pieces[1:]:
        key, eq, val = piece.partition("=")
        params[key.upper() if eq else "TYPE"] = val if eq else key
    if params.get("ENCODING", "").upper() in ("QUOTED-PRINTABLE", "QP"):
        charset = params.get("CHARSET", "utf-8")
        try:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode(
                charset, "replace"
            )
        except LookupError:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode(
                "utf-8", "replace"
            )
    return name, params, value


def read_vcard(path: Path) -> Table:
    encoding = detect_encoding(path)
    text = path.read_text(encoding=encoding, errors="replace")
    if not text.strip():
        raise FileProblem("The file is empty.")
    if "BEGIN:VCARD" not in text.upper():
        raise FileProblem("This is not a vCard file (no BEGIN:VCARD line).")
    return Table("vcf", list(HEADERS), _cards(text), encoding)


def _cards(text: str) -> Iterator[Row]:
    card: list[str] | None = None
    multi: dict[str, list[str]] = {}
    begin = 0
    for number, line in _logical_lines(text):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            card, multi, begin = [""] * len(HEADERS), {"E-mail": [], "Phone": []}, number
            continue
        if card is None:
            continue
        if upper == "END:VCARD":
            card[_INDEX["E-mail"]] = "; ".join(multi["E-mail"])
            card[_INDEX["Phone"]] = "; ".join(multi["Phone"])
            if any(card):
                yield Row(begin, card)
            card = None
            continue
        parsed = _parse_property(line)
        if parsed is not None:
            _apply(card, multi, *parsed)
    if card is not None:
        yield Row(begin, card, "the card starting here has no END:VCARD line")


def _apply(card: list[str], multi: dict[str, list[str]], name: str, params: dict[str, str],
           value: str) -> None:  # fmt: skip
    def put(header: str, text: str) -> None:
        card[_INDEX[header]] = text.strip()

    if name == "N":
        parts = [*_components(value), "", "", "", "", ""]
        put("Last name", parts[0])
        put("First name", parts[1])
        put("Middle name", parts[2])
        put("Prefix", parts[3])
        put("Suffix", parts[4])
    elif name == "FN":
        put("Full name", _unescape(value))
    elif name == "EMAIL":
        multi["E-mail"].append(_unescape(value).strip())
    elif name == "TEL":
        multi["Phone"].append(_unescape(value).removeprefix("tel:").strip())
    elif name == "ORG":
        put("Organization", _components(value)[0])
    elif name == "TITLE":
        put("Job title", _unescape(value))
    elif name == "ADR" and not card[_INDEX["Street"]]:
        parts = [*_components(value), "", "", "", "", "", "", ""]
        put("Street", " ".join(p for p in (parts[1], parts[2]) if p.strip()))
        put("City", parts[3])
        put("Region", parts[4])
        put("Postal code", parts[5])
        put("Country", parts[6])
    elif name == "BDAY":
        put("Birthday", _unescape(value))
    elif name == "CATEGORIES":
        put("Categories", ", ".join(p.strip() for p in value.split(",") if p.strip()))
    elif name == "UID":
        put("UID", _unescape(value).removeprefix("urn:uuid:"))
