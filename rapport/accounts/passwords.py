"""A password check, offline, for the passwords people pick when made to add a digit and a symbol.

Django's CommonPasswordValidator knows 20,000 common passwords, but only as typed:
"summer" is on its list, "Summer2026!" is not, nor "P@ssw0rd1" nor the company's name
with this year after it. Those are the first guesses of any cracking tool. This
validator takes the word in the middle (dropping digits and symbols around it, undoing
the usual letter swaps) and refuses it when that word is a common password, a season,
a month or a day, the product's name, or a word the workspace lists
(``RAPPORT_PASSWORD_BANNED_WORDS``: the company's name, its town, its products).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

CALENDAR_WORDS = frozenset((
    "spring", "summer", "autumn", "fall", "winter",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
))  # fmt: skip
ALWAYS_BANNED = frozenset({"rapport", "crm"})
# Letters people swap for look-alike digits and symbols.
SWAPS = str.maketrans({"@": "a", "4": "a", "0": "o", "3": "e", "$": "s", "5": "s", "7": "t",
                       "!": "i", "|": "l", "+": "t", "8": "b", "9": "g"})  # fmt: skip
# Digits, punctuation and spaces around the word.
AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


def core_words(password: str) -> set[str]:
    """The word(s) a password is built on: "P@ssw0rd2026!" → {"password", …}."""
    text = AROUND.sub("", password.strip().casefold())
    if not text:
        return set()
    swapped = text.translate(SWAPS)
    candidates = {text, swapped, swapped.replace("1", "i"), swapped.replace("1", "l")}
    # Separators inside ("Summer-Time") and a trailing word of digits-symbols again
    candidates |= {re.sub(r"[\W_]+", "", c) for c in candidates}
    return {c for c in candidates if c}


class GuessablePasswordValidator:
    def __init__(self, words: Iterable[str] | None = None) -> None:
        extra = {w.strip().casefold() for w in (words or []) if w.strip()}
        self.banned = CALENDAR_WORDS | ALWAYS_BANNED | {re.sub(r"\W+", "", w) for w in extra}

    def validate(self, password: str, user: Any = None) -> None:
        for word in core_words(password):
            if word in self.banned or word in _common():
                raise ValidationError(
                    "This password is a common word with digits or symbols around it "
                    "(like “Summer2026!”), which is among the first things guessed.",
                    code="password_guessable",
                )

    def get_help_text(self) -> str:
        return (
            "Your password can’t be a common word, season, month or the company’s name "
            "dressed up with digits and symbols."
        )
