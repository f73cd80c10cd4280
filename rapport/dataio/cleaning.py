"""Turning one imported row into clean field values, or reasons to reject it.

Pure functions of the row and a ``CleanConfig`` (no database), so the work can
run in a helper process beside the one writing to the database. Cells are
trimmed, Unicode NFC, NULs dropped; formula-looking text (``=1+1``) is kept as
text: nothing here ever evaluates a cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from rapport.dataio.countries import COUNTRY_CODES
from rapport.dataio.fields import CUSTOM_PREFIX, MULTI_VALUED
from rapport.people.custom_fields import coerce_value
from rapport.people.limits import NOUNS
from rapport.people.models import (
    ConsentStatus,
    CustomFieldDefinition,
    LifecycleStage,
    OrganizationSize,
    RelationshipType,
)
from rapport.people.normalize import (
    InvalidValue,
    clean_text,
    fold,
    normalize_domain,
    normalize_email,
    normalize_phone,
)
from rapport_analytics.matching.normalise import _NAME_PARTICLES

PERSON_LIMITS = {
    "honorific": 20, "first_name": 100, "middle_name": 100, "last_name": 100, "suffix": 20,
    "title": 150, "source": 100, "street": 200, "city": 100, "region": 100, "postcode": 20,
    "full_name": 300, "organization": 200, "owner": 254, "external_id": 200,
}  # fmt: skip
ORG_LIMITS = {
    "name": 200, "industry": 100, "street": 200, "city": 100, "region": 100, "postcode": 20,
    "owner": 254, "external_id": 200,
}  # fmt: skip
NAME_PARTS = ("honorific", "first_name", "middle_name", "last_name", "suffix")

# A plain ASCII address that email-validator accepts and normalises to itself in
# lower case; anything else goes through email-validator (tests check they agree).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_FAST_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
_SPECIAL = frozenset(SPECIAL_USE_DOMAIN_NAMES)
ESCAPED_FORMULA = ("'=", "'+", "'-", "'@", "'\t", "'\r")
_LIST_SPLIT = re.compile(r"[;,]")
_EMAIL_SPLIT = re.compile(r"[;,\s]+")


# The ASCII control characters (NUL, whitespace bar the space, the rest) and DEL.
_MESSY_ASCII = frozenset([*map(chr, range(32)), "\x7f"])


def fast_clean_text(raw: str) -> str:
    """``clean_text`` without its Unicode work for plain ASCII (already NFC), the usual cell."""
    if raw.isascii():
        text = raw.strip()
        if "  " not in text and _MESSY_ASCII.isdisjoint(text):
            return text
    return clean_text(raw)


def fast_fold(text: str) -> str:
    return text.lower() if text.isascii() else fold(text)


def fast_normalize_email(raw: str) -> str:
    text = raw.strip()
    if _FAST_EMAIL.fullmatch(text) and len(text) <= 254 and "--" not in text.partition("@")[2]:
        local, _, domain = text.partition("@")
        domain = domain.lower()
        if (
            len(local) <= 64
            and domain.rpartition(".")[2] not in _SPECIAL
            and domain not in _SPECIAL
        ):
            return (local + "@" + domain).lower()
    return normalize_email(raw)


@lru_cache(maxsize=4096)
def _phone_cached(raw: str, region: str) -> str:
    return normalize_phone(raw, region=region)


NANP_REGIONS = frozenset(COUNTRY_CODE_TO_REGION_CODE[1])
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]+")
_NANP_PREFIX_VALID: dict[str, bool] = {}


def fast_normalize_phone(raw: str, region: str) -> str:
    """``normalize_phone`` with a shortcut for North American numbers (+1), the usual case.

    phonenumbers' metadata decides a +1 number's validity by its first six digits (area
    code and exchange; the patterns end in ``\\d{4}``), so the verdict is computed once per
    six-digit prefix; anything else, or any doubt, goes through phonenumbers in full.
    Tests check both paths agree.
    """
    compact = _PHONE_PUNCTUATION.sub("", raw)
    international = compact.startswith("+")
    digits = compact[1:] if international else compact
    national = ""
    if digits.isascii() and digits.isdigit():
        if len(digits) == 11 and digits[0] == "1" and (international or region in NANP_REGIONS):
            national = digits[1:]
        elif len(digits) == 10 and not international and region in NANP_REGIONS:
            national = digits
    if national and national[0] in "23456789":
        prefix = national[:6]
        valid = _NANP_PREFIX_VALID.get(prefix)
        if valid is None:
            number = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
            valid = _NANP_PREFIX_VALID[prefix] = bool(phonenumbers.is_valid_number(number))
        if valid:
            return "+1" + national
    return _phone_cached(raw, region)


def _choice_index(choices: Sequence[tuple[str, str]], extra: dict[str, str]) -> dict[str, str]:
    index = {str(v).lower(): str(v) for v, _ in choices if v}
    index.update({str(label).lower(): str(v) for v, label in choices if v})
    index.update(extra)
    return index


STAGES = _choice_index(LifecycleStage.choices, {
    "lead": "prospect", "subscriber": "prospect", "marketingqualifiedlead": "prospect",
    "marketing qualified lead": "prospect", "salesqualifiedlead": "prospect",
    "sales qualified lead": "prospect", "opportunity": "prospect", "other": "prospect",
    "evangelist": "loyal", "advocate": "loyal", "loyal": "loyal", "churned": "lapsed",
})  # fmt: skip
CONSENTS = _choice_index(ConsentStatus.choices, {
    "yes": "granted", "true": "granted", "1": "granted", "subscribed": "granted",
    "opted in": "granted", "opt-in": "granted", "no": "declined", "false": "declined",
    "0": "declined", "unsubscribed": "withdrawn", "opted out": "withdrawn", "opt-out": "withdrawn",
})  # fmt: skip
SIZES = _choice_index(OrganizationSize.choices, {"1000+": "1000+"})
RELATIONSHIPS = _choice_index(
    RelationshipType.choices, {"vendor": "supplier", "client": "customer"}
)


@dataclass(frozen=True)
class CleanConfig:
    entity: str
    # (column index, column name, field) for every mapped column, in column order.
    columns: tuple[tuple[int, str, str], ...]
    region: str
    max_field_chars: int
    custom: dict[str, CustomFieldDefinition] = field(default_factory=dict)
    # At most this many e-mails, phones, tags on one row ("emails" → 20; none: no limit).
    list_limits: dict[str, int] = field(default_factory=dict)


@dataclass
class CleanRow:
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    external_id: str = ""
    organization: str = ""
    owner: str = ""
    # (column, value, reason) for a rejected row
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    search_text: str = ""
    # Names as the file had them, before SHOUTED or all-lower names were recased.
    typed_names: dict[str, str] = field(default_factory=dict)
    # What the writer matches existing records by ("e:<email>", "f:<fingerprint>", …).
    match_key: str = ""
    # The duplicate check's key hashes and stored profile (JSON) of the person this row
    # would create, computed with the cleaning (``with_match_keys``).
    key_hashes: list[int] = field(default_factory=list)
    profile_json: str = ""


def phone_tokens(e164: str) -> list[str]:
    """What ``phone_search_tokens`` gives, without parsing the number again: country
    calling codes are prefix-free, so the first 1–3 digits in the table are the code."""
    digits = e164.lstrip("+")
    for size in (1, 2, 3):
        if int(digits[:size] or 0) in COUNTRY_CODE_TO_REGION_CODE:
            # The national number is an integer to phonenumbers: leading zeros go.
            national = digits[size:].lstrip("0")
            return [digits, national, "0" + national]
    return [digits]


def person_search_text(row: CleanRow) -> str:
    values = row.values
    parts = [values.get(p, "") for p in ("first_name", "middle_name", "last_name")]
    parts = [p for p in parts if p]
    parts.extend(row.emails)
    for phone in row.phones:
        parts.extend(phone_tokens(phone))
    if row.organization:
        parts.append(row.organization)
    return fast_fold(" ".join(parts))


def _date(text: str) -> str:
    candidate = text.strip()
    if re.fullmatch(r"\d{8}", candidate):
        candidate = f"{candidate[:4]}-{candidate[4:6]}-{candidate[6:]}"
    candidate = candidate.replace("/", "-")[:10]
    try:
        return dt.date.fromisoformat(candidate).isoformat()
    except ValueError:
        raise InvalidValue(f"{text!r} is not a date; use YYYY-MM-DD.") from None


def _country(text: str) -> str:
    if len(text) == 2 and text.isalpha():
        return text.upper()
    code = COUNTRY_CODES.get(text.strip().lower().replace(".", ""))
    if code is None:
        raise InvalidValue(f"{text!r} is not a country; use the two-letter code (e.g. US, DE).")
    return code


_LETTERS = re.compile(r"[^\W\d_]+")


def _cap(match: re.Match[str]) -> str:
    part = match.group(0)
    if part.startswith("mc") and len(part) > 2:
        return "Mc" + part[2:].capitalize()
    return part.capitalize()


def title_case_name(value: str) -> str:
    """``"mcdonald-o'neil"`` → ``"McDonald-O'Neil"``; particles (van, de…) stay lower case
    unless first. Like the matcher's helper, but without its NFKC folding, which would
    change the characters themselves (ª → a)."""
    out = []
    for position, word in enumerate(value.lower().split(" ")):
        out.append(word if position and word in _NAME_PARTICLES else _LETTERS.sub(_cap, word))
    return " ".join(out)


def _name_case(values: dict[str, Any], typed: dict[str, str]) -> None:
    """Fix SHOUTED or all-lower names; a name typed with any capitals is left alone."""
    parts = [str(values[p]) for p in NAME_PARTS if values.get(p)]
    if any(p.startswith(("=", "+", "-", "@")) for p in parts):
        return  # formula-looking text is kept exactly as it came
    joined = " ".join(parts)
    if joined and (joined.isupper() or joined.islower()):
        for part in NAME_PARTS:
            if values.get(part) and part not in ("honorific", "suffix"):
                typed[part] = values[part]
                values[part] = title_case_name(values[part])


def _split_full_name(full: str, values: dict[str, Any]) -> None:
    if values.get("first_name") or values.get("last_name"):
        return
    if "," in full:
        last, _, first = full.partition(",")
        values["first_name"], values["last_name"] = first.strip(), last.strip()
        return
    parts = full.split(" ")
    if len(parts) == 1:
        values["first_name"] = parts[0]
    else:
        values["first_name"], values["last_name"] = " ".join(parts[:-1]), parts[-1]


def clean_row(config: CleanConfig, line: int, cells: Sequence[str]) -> CleanRow:
    row = CleanRow(line)
    limits = PERSON_LIMITS if config.entity == "person" else ORG_LIMITS
    collected: dict[str, list[tuple[str, str]]] = {}
    for index, column, target in config.columns:
        raw = cells[index] if index < len(cells) else ""
        if len(raw) > config.max_field_chars:
            row.errors.append((column, raw[:40], f"is {len(raw):,} characters long; the limit is "
                               f"{config.max_field_chars:,}"))  # fmt: skip
            continue
        text = fast_clean_text(raw)
        if not text:
            continue
        if text.startswith(ESCAPED_FORMULA):
            text = text[1:]  # our own export's protection ('=…): the value is =…
        if target in MULTI_VALUED:
            collected.setdefault(target, []).append((column, text))
        elif target not in row.values and target not in collected:
            collected[target] = [(column, text)]
    for target, items in collected.items():
        for column, text in items:
            try:
                _apply(config, row, target, text, limits)
            except InvalidValue as exc:
                row.errors.append((column, text[:200], str(exc)))
    _check_list_limits(config, row, collected)
    if config.entity == "person":
        if "full_name" in row.values:
            _split_full_name(row.values.pop("full_name"), row.values)
        _name_case(row.values, row.typed_names)
        named = row.values.get("first_name") or row.values.get("last_name") or row.emails
        if not named and not row.errors:
            row.errors.append(("", "", "has no name and no e-mail address"))
        if not row.errors:
            row.search_text = person_search_text(row)
    elif not row.values.get("name") and not row.errors:
        row.errors.append(("", "", "has no organisation name"))
    if row.phones and config.entity != "person":  # an organisation's one number: the first
        row.values["phone"] = row.phones[0]
    return row


def _check_list_limits(
    config: CleanConfig, row: CleanRow, collected: dict[str, list[tuple[str, str]]]
) -> None:
    for target, field_name, values in (("email", "emails", row.emails),
                                       ("phone", "phones", row.phones), ("tags", "tags", row.tags)):  # fmt: skip
        limit = config.list_limits.get(field_name)
        if limit is not None and len(values) > limit:
            column = collected[target][0][0]
            row.errors.append((column, "", f"holds {len(values):,} {NOUNS[field_name]}; "
                               f"one record may have at most {limit:,}"))  # fmt: skip


def _apply(config: CleanConfig, row: CleanRow, target: str, text: str,
           limits: dict[str, int]) -> None:  # fmt: skip
    if target.startswith(CUSTOM_PREFIX):
        definition = config.custom.get(target[len(CUSTOM_PREFIX) :])
        if definition is None:
            return
        try:
            row.custom[definition.key] = coerce_value(definition, text)
        except ValueError as exc:
            raise InvalidValue(f"{definition.label} {exc}") from None
        return
    limit = limits.get(target)
    if limit is not None and len(text) > limit:
        raise InvalidValue(f"is {len(text)} characters long; the limit is {limit}")
    if target == "email":
        for part in _EMAIL_SPLIT.split(text):
            if part:
                email = fast_normalize_email(part)
                if email not in row.emails:
                    row.emails.append(email)
    elif target == "phone":
        for part in _LIST_SPLIT.split(text):
            if part.strip():
                phone = fast_normalize_phone(part.strip(), config.region)
                if phone not in row.phones:
                    row.phones.append(phone)
    elif target == "tags":
        for part in _LIST_SPLIT.split(text):
            tag = part.strip()
            if len(tag) > 50:
                raise InvalidValue(f"tag {tag[:20]!r}… is longer than 50 characters")
            if tag and tag not in row.tags:
                row.tags.append(tag)
    elif target == "external_id":
        row.external_id = text
    elif target == "organization":
        row.organization = text
    elif target == "owner":
        row.owner = text
    elif target == "birthday":
        row.values["birthday"] = _date(text)
    elif target == "country":
        row.values["country"] = _country(text)
    elif target == "domain":
        row.values["domain"] = normalize_domain(text)
    elif target in ("lifecycle_stage", "email_consent", "size", "relationship_type"):
        index = {"lifecycle_stage": STAGES, "email_consent": CONSENTS, "size": SIZES,
                 "relationship_type": RELATIONSHIPS}[target]  # fmt: skip
        value = index.get(text.lower())
        if value is None:
            raise InvalidValue(f"{text!r} is not one of: {', '.join(sorted(set(index.values())))}")
        row.values[target] = value
    else:
        row.values[target] = text
