"""American Soundex, used only to build blocking keys (so spelling variants meet)."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["soundex"]

_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@lru_cache(maxsize=500_000)
def soundex(name: str) -> str:
    """Four-character Soundex code of a normalised name; '' for a name without letters."""
    letters = [ch for ch in name.lower() if "a" <= ch <= "z"]
    if not letters:
        return ""
    first = letters[0]
    digits: list[str] = []
    previous = _CODES.get(first, "")
    for ch in letters[1:]:
        code = _CODES.get(ch, "")
        if code and code != previous:
            digits.append(code)
            if len(digits) == 3:
                break
        # h and w do not separate equal codes; vowels do.
        if ch not in "hw":
            previous = code
    return (first.upper() + "".join(digits)).ljust(4, "0")
