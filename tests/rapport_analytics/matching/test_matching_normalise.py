from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport_analytics.matching.normalise import (
    InvalidPhoneNumber,
    normalise_birth_date,
    normalise_domain,
    normalise_email,
    normalise_name,
    normalise_organisation,
    normalise_phone,
    normalise_postcode,
    normalise_street,
    title_case_name,
)

text = st.text(max_size=40)


@given(text)
def test_name_normalisation_is_idempotent(value: str) -> None:
    once = normalise_name(value)
    assert normalise_name(once) == once
    assert once == once.strip()


@given(text)
def test_street_organisation_postcode_email_domain_are_idempotent(value: str) -> None:
    for normalise in (
        normalise_street,
        normalise_organisation,
        normalise_postcode,
        normalise_email,
        normalise_domain,
    ):
        once = normalise(value)
        assert normalise(once) == once, normalise.__name__


@given(st.text(alphabet="0123456789 +()-", max_size=20))
def test_phone_is_e164_or_rejected(value: str) -> None:
    try:
        e164 = normalise_phone(value, default_region="GB")
    except InvalidPhoneNumber:
        return
    assert e164.startswith("+") and e164[1:].isdigit() and len(e164) <= 16
    assert normalise_phone(e164, default_region="US") == e164


def test_phone_regions_and_rejection() -> None:
    assert normalise_phone("020 7946 0000", default_region="GB") == "+442079460000"
    assert normalise_phone("(212) 555-0100", default_region="US") == "+12125550100"
    assert normalise_phone("0044 20 7946 0000", default_region="US") == "+442079460000"
    with pytest.raises(InvalidPhoneNumber):
        normalise_phone("call me", default_region="GB")
    with pytest.raises(InvalidPhoneNumber):
        normalise_phone("12", default_region="GB")


def test_names_emails_addresses() -> None:
    assert normalise_name("  Zoë  O'Brien-Smith ") == "zoe obrien smith"
    assert normalise_name("ＪＯＨＮ") == "john"  # full-width letters fold via NFKC
    assert title_case_name("mcdonald-o'neil van der berg") == "McDonald-O'Neil van der Berg"
    assert normalise_email(" John.Smith+crm@GoogleMail.com ") == "johnsmith@gmail.com"
    assert normalise_email("j.smith@acme.co.uk") == "j.smith@acme.co.uk"
    assert normalise_email("not an email") == ""
    assert normalise_street("12 Baker St.") == normalise_street("12 baker street")
    assert normalise_street("5 Mill Rd") == "5 mill road"
    assert normalise_street("9 Park Ave") == "9 park avenue"
    assert normalise_postcode("sw1a 1aa") == "SW1A1AA"
    assert normalise_domain("https://www.Acme.co.uk/about") == "acme.co.uk"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme Ltd", "acme"),
        ("ACME Limited", "acme"),
        ("The Acme Co. Pty Ltd", "acme"),
        ("Siemens GmbH", "siemens"),
        ("Banco Santander S.A.", "banco santander"),
        ("Apple Inc.", "apple"),
        ("Marks & Spencer PLC", "marks and spencer"),
        ("Limited", "limited"),  # nothing but a legal word: keep it
    ],
)
def test_organisation_legal_suffixes(raw: str, expected: str) -> None:
    assert normalise_organisation(raw) == expected


def test_birth_dates() -> None:
    assert normalise_birth_date("1980-03-04") == "1980-03-04"
    assert normalise_birth_date("04/03/1980") == "1980-03-04"
    assert normalise_birth_date("03/04/1980", day_first=False) == "1980-03-04"
    assert normalise_birth_date("19800304") == "1980-03-04"
    assert normalise_birth_date("someday") == ""
