"""Cleaning what people type or import: e-mails, phones, names, free text."""

from __future__ import annotations

import unicodedata

import phonenumbers
from django.conf import settings
from email_validator import EmailNotValidError, validate_email

# The shared cleaner lives in core; imported here too, where the people code looks for it.
from rapport.core.text import InvalidValue as InvalidValue
from rapport.core.text import clean_text as clean_text


def normalize_email(raw: str) -> str:
    text = clean_text(raw)
    if not text:
        raise InvalidValue("is empty.")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidValue(f"{text!r} is not a valid e-mail address: {exc}") from exc
    # The domain is case-insensitive; the local part is kept as typed but
    # compared case-insensitively elsewhere (most providers ignore case).
    return str(result.normalized).lower()


def normalize_phone(raw: str, *, region: str | None = None) -> str:
    """Return E.164 (``+14155550123``) or raise InvalidValue."""
    text = clean_text(raw)
    if not text:
        raise InvalidValue("is empty.")
    default_region = str(region or settings.RAPPORT["DEFAULT_PHONE_REGION"])
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue(f"{text!r} is not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue(
            f"{text!r} is not a valid phone number (read as region {default_region}; "
            "add the country code, e.g. +44)."
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def phone_display(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def phone_search_tokens(e164: str) -> list[str]:
    """Digit strings a user might type: the international and the national form."""
    digits = e164.lstrip("+")
    tokens = [digits]
    try:
        number = phonenumbers.parse(e164, None)
        national = str(number.national_number)
        tokens.append(national)
        tokens.append("0" + national)
    except phonenumbers.NumberParseException:
        pass
    return tokens


def fold(text: str) -> str:
    """Lower case without accents, so 'José' is found by 'jose' on every database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalize_domain(raw: str) -> str:
    text = clean_text(raw).lower()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.split("/", 1)[0]
    if text.startswith("www."):
        text = text[4:]
    if text and ("." not in text or " " in text):
        raise InvalidValue(f"{raw!r} is not a domain name (e.g. example.com).")
    return text
