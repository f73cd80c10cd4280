"""Synthetic CRM-like people with known duplicates, for tests and the benchmark.

People live in households that share a surname, a street address and often a
landline; some work for the same company and share its e-mail domain. These
relatives and colleagues are the hard negatives. A share of people are
entered again with the mess real CRMs see: typos, nicknames, swapped names,
blanks, a house move, a changed surname, a new e-mail address.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, replace
from importlib import resources

from .records import Record

__all__ = ["SyntheticPeople", "generate_people"]


def _load_words() -> dict[str, list[str]]:
    text = resources.files(__package__).joinpath("data/synthetic_words.txt").read_text("utf-8")
    sections = (
        line.split(":", 1) for line in text.splitlines() if line and not line.startswith("#")
    )
    return {name.strip(): words.split() for name, words in sections}


_WORDS = _load_words()

_MALE = _WORDS["male"]
_FEMALE = _WORDS["female"]
_SURNAMES = _WORDS["surnames"]
_STREETS = _WORDS["streets"]
_STREET_TYPES = [
    ("Street", "St"),
    ("Road", "Rd"),
    ("Avenue", "Ave"),
    ("Lane", "Ln"),
    ("Close", "Cl"),
    ("Drive", "Dr"),
]
_CITIES = _WORDS["cities"]
_FREE_MAIL = [
    "gmail.com",
    "yahoo.co.uk",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "btinternet.com",
]
_COMPANY_WORDS = _WORDS["company_words"]
_COMPANY_FORMS = ["Ltd", "Limited", "PLC", "LLP", "Group Ltd", "& Co"]
_NICKNAME_OF = {
    "robert": ["bob", "rob", "bobby"],
    "william": ["bill", "will", "billy"],
    "margaret": ["peggy", "maggie", "meg"],
    "elizabeth": ["liz", "beth", "betty"],
    "james": ["jim", "jimmy"],
    "john": ["jack", "johnny"],
    "richard": ["rick", "dick"],
    "michael": ["mike", "mick"],
    "thomas": ["tom", "tommy"],
    "katherine": ["kate", "kathy"],
    "jennifer": ["jen", "jenny"],
    "christopher": ["chris"],
    "daniel": ["dan", "danny"],
    "matthew": ["matt"],
    "anthony": ["tony"],
    "joseph": ["joe"],
    "david": ["dave"],
    "edward": ["ed", "ted"],
    "samuel": ["sam"],
    "patricia": ["pat", "trish"],
    "susan": ["sue"],
    "victoria": ["vicky"],
    "rebecca": ["becky"],
    "alexander": ["alex"],
    "benjamin": ["ben"],
    "nicholas": ["nick"],
    "deborah": ["debbie"],
    "catherine": ["cathy", "kate"],
}


@dataclass(slots=True)
class SyntheticPeople:
    records: list[Record]
    entity_of: dict[str, str]  # record id -> person id; equal ids are duplicates


@dataclass(slots=True)
class _Person:
    first: str
    last: str
    female: bool
    birth: tuple[int, int, int]
    street: str
    postcode: str
    city: str
    landline: str
    mobile: str
    email: str
    organisation: str


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.3:
        return word[:i] + word[i + 1 :]
    if kind < 0.6:
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    if kind < 0.8 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]


def _casing(rng: random.Random, word: str) -> str:
    roll = rng.random()
    return word.upper() if roll < 0.05 else word if roll < 0.25 else word.title()


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        # Extra surnames from syllables so a million people are not all Smiths.
        syllables = "ash bar ber bly brom cal car dal den dor fen gar ham har kel ley lin mor ner"
        parts = syllables.split()
        ends = ["ton", "ford", "by", "well", "wood", "ley", "son", "field", "worth", "man"]
        self.surnames = _SURNAMES + sorted(
            {rng.choice(parts) + rng.choice(parts) + rng.choice(ends) for _ in range(4000)}
        )
        self.companies = [
            (f"{w.title()} {n}".strip(), f"{w}{i}.co.uk", rng.choice(_COMPANY_FORMS))
            for i, (w, n) in enumerate(
                (
                    rng.choice(_COMPANY_WORDS),
                    rng.choice(["", "Systems", "Foods", "Trading", "Labs"]),
                )
                for _ in range(3000)
            )
        ]
        self.email_serial = 0

    def address(self) -> tuple[str, str, str, str]:
        rng = self.rng
        city_index = rng.randrange(len(_CITIES))
        street_type = rng.choice(_STREET_TYPES)[0]
        street = f"{rng.randint(1, 240)} {rng.choice(_STREETS).title()} {street_type}"
        postcode = f"{chr(65 + city_index % 26)}{chr(65 + city_index // 26)}{rng.randint(1, 29)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        landline = (
            f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}" if rng.random() < 0.6 else ""
        )
        return street, postcode, _CITIES[city_index].title(), landline

    def household(self) -> list[_Person]:
        rng = self.rng
        street, postcode, city, landline = self.address()
        surname = (
            rng.choice(self.surnames[:150]) if rng.random() < 0.5 else rng.choice(self.surnames)
        )
        size = rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 18, 15, 7])[0]
        people: list[_Person] = []
        year0 = rng.randint(1940, 1995 if size < 3 else 1975)
        used_names: set[str] = set()
        twins = size >= 4 and rng.random() < 0.05
        for member in range(size):
            female = rng.random() < 0.5
            first = rng.choice(_FEMALE if female else _MALE)
            while first in used_names:  # parents rarely give two children one name
                first = rng.choice(_FEMALE if female else _MALE)
            if member < 2:
                birth = (year0 + rng.randint(-4, 4), rng.randint(1, 12), rng.randint(1, 28))
            elif twins and member == 3:
                birth = people[2].birth  # twins: same birth date, different first names
                first = rng.choice(
                    [n for n in (_FEMALE if female else _MALE) if n != people[2].first]
                )
            else:
                birth = (year0 + rng.randint(20, 35), rng.randint(1, 12), rng.randint(1, 28))
            used_names.add(first)
            company = rng.choice(self.companies) if rng.random() < 0.35 else None
            organisation = f"{company[0]} {company[2]}" if company else ""
            self.email_serial += 1
            local = rng_choice_local(rng, first, surname, self.email_serial)
            email = f"{local}@{company[1]}" if company else f"{local}@{rng.choice(_FREE_MAIL)}"
            mobile = f"07{rng.randint(100000000, 999999999)}" if rng.random() < 0.75 else ""
            people.append(
                _Person(
                    first,
                    surname,
                    female,
                    birth,
                    street,
                    postcode,
                    city,
                    landline,
                    mobile,
                    email,
                    organisation,
                )
            )
        return people

    def record(self, person: _Person, record_id: str, *, messy: bool) -> Record:
        rng = self.rng
        p = replace(person)
        if messy:
            self.mess(p)
        y, m, d = p.birth
        birth = f"{y:04d}-{m:02d}-{d:02d}" if rng.random() < 0.6 else f"{d:02d}/{m:02d}/{y:04d}"
        if not p.birth[0]:
            birth = ""
        phones = tuple(x for x in (p.landline, p.mobile) if x)
        return Record(
            id=record_id,
            first_name=_casing(rng, p.first),
            last_name=_casing(rng, p.last),
            emails=(p.email,) if p.email else (),
            phones=phones,
            street=p.street,
            postcode=p.postcode,
            city=p.city,
            birth_date=birth,
            organisation=p.organisation,
        )

    def mess(self, p: _Person) -> None:
        rng = self.rng
        roll = rng.random
        if roll() < 0.25:
            p.first = _typo(rng, p.first)
        elif roll() < 0.15 and p.first in _NICKNAME_OF:
            p.first = rng.choice(_NICKNAME_OF[p.first])
        elif roll() < 0.05:
            p.first = p.first[0]
        if roll() < 0.2:
            p.last = _typo(rng, p.last)
        if roll() < 0.05:
            p.first, p.last = p.last, p.first
        if p.female and roll() < 0.1:
            p.last = rng.choice(self.surnames)  # married: new surname
        if roll() < 0.15:
            p.street, p.postcode, p.city, p.landline = self.address()  # moved house
        elif roll() < 0.2:
            p.street = _abbreviate(p.street)
        if roll() < 0.2:
            self.email_serial += 1
            p.email = f"{rng_choice_local(rng, p.first, p.last, self.email_serial)}@{rng.choice(_FREE_MAIL)}"
        if roll() < 0.1:
            y, m, d = p.birth
            p.birth = (
                (y, d, m)
                if d <= 12
                else (y, m, int(str(d)[::-1]) if int(str(d)[::-1]) <= 28 else d)
            )
        for name in ("email", "mobile", "landline", "street", "organisation"):
            if roll() < 0.12:
                setattr(p, name, "")
        if roll() < 0.12:
            p.birth = (0, 0, 0)
        if p.mobile and roll() < 0.5:
            p.mobile = f"+44 {p.mobile[1:5]} {p.mobile[5:]}"


def _abbreviate(street: str) -> str:
    for long, short in _STREET_TYPES:
        if street.endswith(long):
            return street[: -len(long)] + short + "."
    return street


def rng_choice_local(rng: random.Random, first: str, last: str, serial: int) -> str:
    last = last.replace("'", "")
    style = rng.randrange(4)
    if style == 0:
        return f"{first}.{last}{serial % 97}"
    if style == 1:
        return f"{first[0]}{last}{serial % 997}"
    if style == 2:
        return f"{first}{serial}"
    return f"{last}.{first}{serial % 89}"


def generate_people(
    *, n_records: int, duplicate_share: float = 0.2, seed: int = 0
) -> SyntheticPeople:
    """About ``n_records`` records; ``duplicate_share`` of them are extra copies of someone."""
    gen = _Generator(seed)
    records: list[Record] = []
    entity_of: dict[str, str] = {}
    n_people = 0
    target_people = int(n_records * (1 - duplicate_share))
    people: list[_Person] = []
    while len(people) < target_people:
        people.extend(gen.household())
    people = people[:target_people]
    for n_people, person in enumerate(people):
        record_id = f"p{n_people}"
        records.append(gen.record(person, record_id, messy=False))
        entity_of[record_id] = str(n_people)
    serial = 0
    while len(records) < n_records:
        index = gen.rng.randrange(len(people))
        serial += 1
        record_id = f"d{serial}"
        records.append(gen.record(people[index], record_id, messy=True))
        entity_of[record_id] = str(index)
    gen.rng.shuffle(records)
    return SyntheticPeople(records=records, entity_of=entity_of)
