"""Normalisation helpers shared by duplicate matching and the import feature.

Every helper is pure and idempotent: normalising an already normalised value
returns it unchanged, so values can be normalised on write and again on read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

import phonenumbers

__all__ = [
    "InvalidPhoneNumber",
    "clean_text",
    "normalise_birth_date",
    "normalise_domain",
    "normalise_email",
    "normalise_name",
    "normalise_organisation",
    "normalise_phone",
    "normalise_postcode",
    "normalise_street",
    "title_case_name",
]

_SPACES = re.compile(r"\s+")
# Punctuation that carries no identity in names/addresses; apostrophes and
# hyphens are kept out of names by replacing them with nothing / a space.
_NAME_DROP = re.compile("[.'\u2019`\"]")
_NAME_SPACE = re.compile(r"[^\w\s]|_")


class InvalidPhoneNumber(ValueError):
    """Raised when a string cannot be read as a phone number."""


def clean_text(value: object) -> str:
    """Unicode NFKC, trimmed, inner whitespace collapsed; None becomes ''."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub(" ", text).strip()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped)


@lru_cache(maxsize=200_000)
def normalise_name(value: str) -> str:
    """Matching key for a personal name: casefolded, accents and punctuation gone.

    ``"  O'Brien-Smith "`` becomes ``"obrien smith"``.
    """
    text = _strip_accents(clean_text(value)).casefold()
    text = _NAME_DROP.sub("", text)
    text = _NAME_SPACE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "dos"}


def title_case_name(value: str) -> str:
    """Display casing for a name: ``"mcdonald-o'neil"`` becomes ``"McDonald-O'Neil"``.

    Particles such as *van* and *de* stay lower case unless they lead the name.
    """
    text = clean_text(value)
    words = text.lower().split(" ")
    out: list[str] = []
    for position, word in enumerate(words):
        if position > 0 and word in _NAME_PARTICLES:
            out.append(word)
            continue
        out.append(re.sub(r"[^\W\d_]+", _cap_part, word))
    return " ".join(out)


def _cap_part(match: re.Match[str]) -> str:
    part = match.group(0)
    if part.startswith("mc") and len(part) > 2:
        return "Mc" + part[2:].capitalize()
    return part.capitalize()


_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Providers that ignore dots in the local part and treat googlemail as gmail.
_DOTLESS_PROVIDERS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalise_email(value: str) -> str:
    """Matching key for an e-mail address, or '' when it is not one.

    Casefolds, drops ``+tags`` and, for Gmail, dots in the local part: these
    all reach the same mailbox.
    """
    text = clean_text(value).casefold().strip("<>").removeprefix("mailto:")
    if not _EMAIL_SHAPE.match(text):
        return ""
    local, domain = text.rsplit("@", 1)
    domain = domain.rstrip(".")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_PROVIDERS:
        domain = _DOTLESS_PROVIDERS[domain]
        local = local.replace(".", "")
    if not local:
        return ""
    return f"{local}@{domain}"


def normalise_domain(value: str) -> str:
    """Bare web/e-mail domain: ``"https://www.Acme.co.uk/about"`` → ``"acme.co.uk"``."""
    text = clean_text(value).casefold()
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.split("/", 1)[0].split(":", 1)[0].rstrip(".")
    return clean_text(text.removeprefix("www."))


@lru_cache(maxsize=200_000)
def normalise_phone(value: str, *, default_region: str = "GB") -> str:
    """E.164 form of a phone number (``"+442079460000"``).

    Raises :class:`InvalidPhoneNumber` when the text is not a possible number
    for its region; already-E.164 input is returned unchanged.
    """
    text = clean_text(value)
    if not text:
        raise InvalidPhoneNumber("empty phone number")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, default_region.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"not a phone number: {value!r}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidPhoneNumber(f"not a possible phone number: {value!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def phone_or_blank(value: str, *, default_region: str = "GB") -> str:
    """Like :func:`normalise_phone` but '' instead of an exception (for bulk matching).

    E.164 text (what the app stores) is taken as it is: parsing a number already
    normalised cost more than the rest of a record's normalisation together.
    """
    if _E164.fullmatch(value):
        return value
    try:
        return normalise_phone(value, default_region=default_region)
    except InvalidPhoneNumber:
        return ""


# Street-type and direction abbreviations, mapped to one canonical long form.
_STREET_WORDS = {
    "st": "street",
    "str": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "drv": "drive",
    "ln": "lane",
    "pl": "place",
    "ct": "court",
    "crt": "court",
    "cres": "crescent",
    "cr": "crescent",
    "tce": "terrace",
    "terr": "terrace",
    "cl": "close",
    "sq": "square",
    "blvd": "boulevard",
    "hwy": "highway",
    "pde": "parade",
    "cct": "circuit",
    "cir": "circle",
    "gdns": "gardens",
    "gr": "grove",
    "mt": "mount",
    "pk": "park",
    "apt": "apartment",
    "flt": "flat",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}


@lru_cache(maxsize=500_000)
def normalise_street(value: str) -> str:
    """Matching key for a street line: ``"12 Baker St."`` → ``"12 baker street"``."""
    text = normalise_name(value)
    return " ".join(_STREET_WORDS.get(word, word) for word in text.split(" ") if word)


def normalise_postcode(value: str) -> str:
    """Postcode without spaces or punctuation, upper case: ``"sw1a 1aa"`` → ``"SW1A1AA"``."""
    return re.sub(r"[^0-9A-Z]", "", clean_text(value).upper())


# Legal-form suffixes that say nothing about which organisation it is.
_LEGAL_SUFFIXES = {
    "ltd",
    "limited",
    "plc",
    "llp",
    "llc",
    "lp",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "ug",
    "sa",
    "sarl",
    "sas",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "aps",
    "pty",
    "pte",
    "kk",
    "se",
    "the",
}
_ORG_AND = re.compile(r"\s*&\s*")


@lru_cache(maxsize=200_000)
def normalise_organisation(value: str) -> str:
    """Matching key for an organisation: ``"The Acme Co. Pty Ltd"`` → ``"acme"``.

    Leading "the" and trailing legal forms (Ltd, GmbH, Inc, S.A., Pty, …) go;
    ``&`` becomes ``and``. A name made only of legal words is kept as is.
    """
    text = _ORG_AND.sub(" and ", clean_text(value))
    # "S.A." / "S.p.A." lose their dots before tokenising so they read as "sa"/"spa".
    text = re.sub(
        r"\b((?:[A-Za-z]\.){1,3}[A-Za-z]?)(?=\s|$|,)", lambda m: m.group(1).replace(".", ""), text
    )
    words = normalise_name(text).split(" ")
    words = [w for w in words if w]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")


def normalise_birth_date(value: object, *, day_first: bool = True) -> str:
    """ISO date ``YYYY-MM-DD`` or '' when the value is not a date.

    Slash dates are read day-first by default (``day_first=False`` for US files).
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = clean_text(value)
    if not text:
        return ""
    formats = _DATE_FORMATS if day_first else ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%Y/%m/%d")
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return ""
