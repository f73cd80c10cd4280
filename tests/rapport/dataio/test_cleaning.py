"""Normalisation of imported cells: properties that hold for any input (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rapport.dataio.cleaning import (
    CleanConfig,
    clean_row,
    fast_clean_text,
    fast_fold,
    fast_normalize_email,
    phone_tokens,
)
from rapport.dataio.fields import suggest_mapping
from rapport.people.normalize import (
    InvalidValue,
    clean_text,
    fold,
    normalize_email,
    normalize_phone,
    phone_search_tokens,
)

EMAILISH = st.from_regex(
    r"[A-Za-z0-9._%+'!#-]{1,20}@[A-Za-z0-9-]{1,12}(\.[A-Za-z0-9-]{1,10}){1,3}", fullmatch=True
)


@given(st.text())
@example("  a\x00b \t c\x1c ")
def test_fast_clean_text_agrees_with_clean_text(value: str) -> None:
    assert fast_clean_text(value) == clean_text(value)


@given(st.text())
def test_cleaning_is_idempotent(value: str) -> None:
    once = fast_clean_text(value)
    assert fast_clean_text(once) == once


@given(st.text())
def test_fast_fold_agrees_with_fold(value: str) -> None:
    assert fast_fold(value) == fold(value)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(EMAILISH, st.text(max_size=40)))
@example("A.B@Example.COM")
@example("a@b.test")
@example("a@xn--bcher-kva.com")
@example("a..b@x.com")
@example("a@-x.com")
def test_fast_email_path_agrees_with_email_validator(value: str) -> None:
    try:
        expected: str | None = normalize_email(value)
    except InvalidValue:
        expected = None
    try:
        got: str | None = fast_normalize_email(value)
    except InvalidValue:
        got = None
    assert got == expected


@settings(max_examples=200)
@given(st.integers(min_value=2_000_000_000, max_value=9_999_999_999))
def test_phone_tokens_agree_with_phonenumbers(number: int) -> None:
    try:
        e164 = normalize_phone(str(number), region="US")
    except InvalidValue:
        return
    assert phone_tokens(e164) == phone_search_tokens(e164)


@pytest.mark.parametrize(
    "e164", ["+442079460958", "+390212345678", "+5511987654321", "+4930123456", "+81312345678"]
)
def test_phone_tokens_for_other_countries(e164: str) -> None:
    assert phone_tokens(e164) == phone_search_tokens(e164)


def _config(headers: list[str], entity: str = "person") -> CleanConfig:
    mapping = suggest_mapping(headers, entity)
    columns = tuple((i, h, mapping[h]) for i, h in enumerate(headers) if mapping[h])
    return CleanConfig(entity=entity, columns=columns, region="US", max_field_chars=1000)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("ANA", "SOUZA", ("Ana", "Souza")),
        ("mary-jane", "o'brien", ("Mary-Jane", "O'Brien")),
        ("ronald", "mcdonald", ("Ronald", "McDonald")),
        ("Ana", "DE SOUZA", ("Ana", "DE SOUZA")),
        ("eMMa", "smith", ("eMMa", "smith")),
    ],
)
def test_names_are_recased_only_when_all_upper_or_all_lower(
    db: Any, first: str, last: str, expected: Any
) -> None:
    row = clean_row(_config(["First Name", "Last Name"]), 2, [first, last])
    assert (row.values["first_name"], row.values["last_name"]) == expected


def test_a_row_is_normalised_and_validated(db: Any) -> None:
    headers = ["Name", "E-mail Address", "E-mail 2 Address", "Mobile Phone", "Birthday", "Country"]
    row = clean_row(_config(headers), 7, [
        " Souza,  Ana ", "ANA@Example.COM", "a2@example.com; ana@example.com", "(415) 555-2671",
        "1990/05/17", "United States",
    ])  # fmt: skip
    assert not row.errors
    assert (row.values["first_name"], row.values["last_name"]) == ("Ana", "Souza")
    assert row.emails == ["ana@example.com", "a2@example.com"]
    assert row.phones == ["+14155552671"]
    assert row.values["birthday"] == "1990-05-17" and row.values["country"] == "US"
    assert "4155552671" in row.search_text and "souza" in row.search_text


def test_a_bad_cell_is_reported_with_its_column(db: Any) -> None:
    row = clean_row(_config(["First Name", "Phone"]), 9, ["Ana", "12"])
    assert (
        row.errors
        and row.errors[0][0] == "Phone"
        and "not a valid phone number" in row.errors[0][2]
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # HubSpot
        (
            [
                "First Name",
                "Last Name",
                "Email",
                "Phone Number",
                "Company Name",
                "Record ID",
                "Lifecycle Stage",
            ],
            [
                "first_name",
                "last_name",
                "email",
                "phone",
                "organization",
                "external_id",
                "lifecycle_stage",
            ],
        ),
        # Salesforce
        (
            [
                "Salutation",
                "First Name",
                "Last Name",
                "Title",
                "Account Name",
                "Mailing Street",
                "Mailing Zip/Postal Code",
                "Mobile",
            ],
            [
                "honorific",
                "first_name",
                "last_name",
                "title",
                "organization",
                "street",
                "postcode",
                "phone",
            ],
        ),
        # Pipedrive
        (
            [
                "Person - Name",
                "Person - Email - Work",
                "Person - Phone - Mobile",
                "Person - Organization",
                "Person - Labels",
            ],
            ["full_name", "email", "phone", "organization", "tags"],
        ),
        # Google Contacts
        (
            [
                "Given Name",
                "Family Name",
                "E-mail 1 - Value",
                "Phone 1 - Value",
                "Organization 1 - Name",
                "Organization 1 - Title",
                "Group Membership",
            ],
            ["first_name", "last_name", "email", "phone", "organization", "title", "tags"],
        ),
        # Outlook
        (
            [
                "First Name",
                "Middle Name",
                "Last Name",
                "E-mail Address",
                "E-mail 2 Address",
                "Business Phone",
                "Company",
                "Job Title",
                "Business City",
                "Categories",
            ],
            [
                "first_name",
                "middle_name",
                "last_name",
                "email",
                "email",
                "phone",
                "organization",
                "title",
                "city",
                "tags",
            ],
        ),
    ],
)
def test_mapping_suggestions_recognise_common_exports(
    db: Any, headers: list[str], expected: list[str]
) -> None:
    assert list(suggest_mapping(headers, "person").values()) == expected


def test_custom_fields_are_suggested_by_key_or_label(workspace: Any) -> None:
    from rapport.people.custom_field_services import custom_field_create

    custom_field_create(actor=workspace.admin, data={"entity": "person", "key": "shoe_size",
                                                     "label": "Shoe size", "field_type": "number"})  # fmt: skip
    assert suggest_mapping(["Shoe size", "shoe_size", "Nothing"], "person") == {
        "Shoe size": "cf:shoe_size", "shoe_size": "cf:shoe_size", "Nothing": ""}  # fmt: skip


def _slow_phone(raw: str, region: str) -> str | None:
    try:
        return normalize_phone(raw, region=region)
    except InvalidValue:
        return None


def _fast_phone(raw: str, region: str) -> str | None:
    from rapport.dataio.cleaning import fast_normalize_phone

    try:
        return fast_normalize_phone(raw, region)
    except InvalidValue:
        return None


@settings(max_examples=500, deadline=None)
@given(
    digits=st.integers(min_value=0, max_value=99_999_999_999),
    style=st.sampled_from(
        ["{d}", "+{d}", "+1 {d}", "1{d}", "({a}) {b}-{c}", "{a}.{b}.{c}", "+1-{a}-{b}-{c}"]
    ),
    region=st.sampled_from(["US", "CA", "GB", "JM", "DE"]),
)
def test_fast_phone_path_agrees_with_phonenumbers(digits: int, style: str, region: str) -> None:
    d = str(digits)
    raw = style.format(d=d, a=d[:3], b=d[3:6], c=d[6:])
    assert _fast_phone(raw, region) == _slow_phone(raw, region)
