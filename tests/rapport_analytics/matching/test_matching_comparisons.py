from __future__ import annotations

import numpy as np

from rapport_analytics.matching import Record, RecordTable
from rapport_analytics.matching.comparisons import COMPARISON_INDEX, COMPARISONS, compare_pairs
from rapport_analytics.matching.nicknames import are_nicknames


def _levels(a: Record, b: Record) -> dict[str, str]:
    table = RecordTable.from_records([a, b])
    compared = compare_pairs(table, table, np.array([0]), np.array([1]))
    out = {}
    for spec in COMPARISONS:
        level = int(compared.levels[0, COMPARISON_INDEX[spec.name]])
        out[spec.name] = "blank" if level < 0 else spec.level_labels[level]
    out["swapped"] = str(bool(compared.names_swapped[0]))
    return out


def test_nickname_table() -> None:
    assert are_nicknames("bob", "robert")
    assert are_nicknames("bill", "william")
    assert are_nicknames("peggy", "margaret")
    assert not are_nicknames("bill", "robert")


def test_nickname_and_initial_levels() -> None:
    assert (
        _levels(Record("1", "Bob", "Smith"), Record("2", "Robert", "Smith"))["first_name"]
        == "nickname of the first name"
    )
    assert (
        _levels(Record("1", "R", "Smith"), Record("2", "Robert", "Smith"))["first_name"]
        == "first name matches an initial"
    )
    assert _levels(Record("1", "Jon", "Smith"), Record("2", "John", "Smith"))["first_name"] in {
        "similar first name",
        "nickname of the first name",
    }
    assert (
        _levels(Record("1", "Mary", "Smith"), Record("2", "Peter", "Smith"))["first_name"]
        == "different first name"
    )


def test_swapped_names_are_recognised() -> None:
    got = _levels(Record("1", "Smith", "John"), Record("2", "John", "Smith"))
    assert got["swapped"] == "True"
    assert got["first_name"] == "same first name"
    assert got["last_name"] == "same last name"


def test_birth_date_typos() -> None:
    def level(a: str, b: str) -> str:
        return _levels(Record("1", birth_date=a), Record("2", birth_date=b))["birth_date"]

    assert level("1980-03-14", "14/03/1980") == "same birth date"
    assert level("1980-03-14", "1980-03-41") == "birth date differs by a typo"  # transposed digits
    assert level("1980-03-04", "1980-04-03") == "birth date differs by a typo"  # day/month swapped
    assert level("1980-03-14", "1980-03-15") == "birth date differs by a typo"  # one digit
    assert level("1980-03-14", "1980-11-29") == "same birth year"
    assert level("1980-03-14", "1957-11-29") == "different birth date"
    assert level("1980-03-14", "") == "blank"


def test_organisations_and_addresses() -> None:
    got = _levels(
        Record(
            "1",
            organisation="Acme Pty Ltd",
            street="12 Baker St.",
            postcode="SW1A 1AA",
            phones=("020 7946 0000",),
        ),
        Record(
            "2",
            organisation="ACME",
            street="12 Baker Street",
            postcode="sw1a1aa",
            phones=("+44 20 7946 0000",),
        ),
    )
    assert got["organisation"] == "same organisation"
    assert got["location"] == "same address and phone"
    colleagues = _levels(
        Record("1", emails=("ann@acme.com",)), Record("2", emails=("bob@acme.com",))
    )
    assert colleagues["organisation"] == "same organisation domain"
    assert colleagues["email"] == "different e-mail"
    free_mail = _levels(
        Record("1", emails=("ann@gmail.com",)), Record("2", emails=("bob@gmail.com",))
    )
    assert free_mail["organisation"] == "blank"  # a free-mail domain says nothing about an employer
