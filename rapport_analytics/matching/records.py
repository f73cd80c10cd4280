"""Input records and their normalised, column-oriented form used by every stage."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .nicknames import name_groups
from .normalise import (
    clean_text,
    normalise_birth_date,
    normalise_domain,
    normalise_email,
    normalise_name,
    normalise_organisation,
    normalise_postcode,
    normalise_street,
    phone_or_blank,
)
from .phonetic import soundex

__all__ = ["FIELDS", "Record", "RecordTable"]

ObjArray = npt.NDArray[np.object_]

# Field names a column may be mapped to (CLI --map, import mapping).
FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "birth_date",
    "organisation",
    "domain",
    "external_id",
)


@dataclass(slots=True)
class Record:
    """One person (or organisation) as the app holds it; every field may be blank."""

    id: str
    first_name: str = ""
    last_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    street: str = ""
    postcode: str = ""
    city: str = ""
    birth_date: str = ""
    organisation: str = ""
    domain: str = ""
    external_ids: tuple[str, ...] = field(default_factory=tuple)


FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "proton.me",
        "protonmail.com",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "bigpond.com",
        "orange.fr",
        "free.fr",
        "yandex.ru",
        "qq.com",
        "163.com",
        "fastmail.com",
    }
)

_DIGITS8 = re.compile(r"^\d{8}$")
_SPACE_RUNS = re.compile(r"\s+")


def birth_date_digits(value: str) -> str:
    """``YYYYMMDD`` digits; keeps impossible dates (typos) so they can still be compared."""
    iso = normalise_birth_date(value)
    if iso:
        return iso.replace("-", "")
    raw = re.sub(r"[^0-9]", "", clean_text(value))
    return raw if _DIGITS8.match(raw) else ""


def name_code(name: str) -> str:
    """Blocking code of a given/family name: its nickname group if known, else Soundex."""
    groups = name_groups(name)
    if groups:
        return f"g{min(groups)}"
    return soundex(name)


def _obj(values: list[str]) -> ObjArray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@dataclass(slots=True)
class RecordTable:
    """Normalised columns of many records, indexed by row number.

    Strings are numpy object arrays so candidate pairs can be gathered by
    fancy indexing; '' means missing.
    """

    ids: list[str]
    first: ObjArray
    last: ObjArray
    first_code: ObjArray
    last_code: ObjArray
    nick_a: npt.NDArray[np.int32]
    nick_b: npt.NDArray[np.int32]
    dob: npt.NDArray[np.int32]  # YYYYMMDD as an integer, 0 when missing
    email_a: ObjArray
    email_b: ObjArray
    email_local: ObjArray
    phone_a: ObjArray
    phone_b: ObjArray
    street: ObjArray
    postcode: ObjArray
    city: ObjArray
    organisation: ObjArray
    domain: ObjArray
    external_id: ObjArray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(cls, records: Iterable[Record], *, default_region: str = "GB") -> RecordTable:
        columns: dict[str, list[str]] = {name: [] for name in _STRING_COLUMNS}
        ids: list[str] = []
        nick_a: list[int] = []
        nick_b: list[int] = []
        dob: list[int] = []
        for record in records:
            ids.append(str(record.id))
            # Blank fields are common in CRM data: skip their normalisers (a third of the
            # time this loop took when an import builds its keys).
            first = normalise_name(record.first_name) if record.first_name else ""
            last = normalise_name(record.last_name) if record.last_name else ""
            emails = [e for e in (normalise_email(x) for x in record.emails) if e]
            phones = [
                p
                for p in (phone_or_blank(x, default_region=default_region) for x in record.phones)
                if p
            ]
            given = first.split(" ", 1)[0]
            groups = sorted(name_groups(given)) if first else []
            nick_a.append(groups[0] if groups else 0)
            nick_b.append(groups[1] if len(groups) > 1 else 0)
            values = columns
            values["first"].append(first)
            values["last"].append(last)
            values["first_code"].append(name_code(given) if first else "")
            values["last_code"].append(soundex(last) if last else "")
            digits = birth_date_digits(record.birth_date) if record.birth_date else ""
            dob.append(int(digits) if digits else 0)
            values["email_a"].append(emails[0] if emails else "")
            values["email_b"].append(emails[1] if len(emails) > 1 else "")
            values["email_local"].append(emails[0].split("@", 1)[0] if emails else "")
            values["phone_a"].append(phones[0] if phones else "")
            values["phone_b"].append(phones[1] if len(phones) > 1 else "")
            # Spaces are dropped: typists split and join street words freely.
            street = normalise_street(record.street).replace(" ", "") if record.street else ""
            values["street"].append(street)
            values["postcode"].append(
                normalise_postcode(record.postcode) if record.postcode else ""
            )
            values["city"].append(normalise_name(record.city) if record.city else "")
            organisation = record.organisation
            values["organisation"].append(
                normalise_organisation(organisation) if organisation else ""
            )
            domain = normalise_domain(record.domain) if record.domain else ""
            if not domain and emails:
                # A work address tells the organisation; a free-mail one tells nothing.
                email_domain = emails[0].rsplit("@", 1)[1]
                domain = "" if email_domain in FREE_MAIL_DOMAINS else email_domain
            values["domain"].append(domain)
            ext = record.external_ids[0] if record.external_ids else ""
            values["external_id"].append(
                _SPACE_RUNS.sub("", clean_text(ext).casefold()) if ext else ""
            )
        return cls(
            ids=ids,
            nick_a=np.asarray(nick_a, dtype=np.int32),
            nick_b=np.asarray(nick_b, dtype=np.int32),
            dob=np.asarray(dob, dtype=np.int32),
            **{name: _obj(values) for name, values in columns.items()},
        )

    def take(self, rows: npt.NDArray[np.int64]) -> RecordTable:
        """A new table holding the given rows, in that order."""
        picked = {name: getattr(self, name)[rows] for name in _ARRAY_COLUMNS}
        return RecordTable(ids=[self.ids[int(r)] for r in rows], **picked)

    @classmethod
    def concat(cls, tables: Sequence[RecordTable]) -> RecordTable:
        joined = {
            name: np.concatenate([getattr(t, name) for t in tables]) for name in _ARRAY_COLUMNS
        }
        ids = [i for t in tables for i in t.ids]
        return cls(ids=ids, **joined)


_STRING_COLUMNS = (
    "first",
    "last",
    "first_code",
    "last_code",
    "email_a",
    "email_b",
    "email_local",
    "phone_a",
    "phone_b",
    "street",
    "postcode",
    "city",
    "organisation",
    "domain",
    "external_id",
)
_ARRAY_COLUMNS = (*_STRING_COLUMNS, "nick_a", "nick_b", "dob")
