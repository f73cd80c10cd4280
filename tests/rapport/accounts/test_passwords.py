"""Passwords that are a common word dressed up ("Summer2026!") are refused, offline."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from rapport.accounts.models import Role
from rapport.accounts.passwords import GuessablePasswordValidator
from rapport.accounts.services import user_create
from rapport.core.errors import ValidationFailed

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize(
    "password",
    ["Summer2026!", "winter2025", "December2026!", "Monday123456", "P@ssw0rd2026",
     "Password123!", "dragon2026!!", "2026Autumn!!", "Rapport2026!", "I love you 2026"],
)  # fmt: skip
def test_a_common_word_with_digits_and_symbols_is_refused(password: str) -> None:
    with pytest.raises(ValidationError, match="common word"):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [PASSWORD, "a brand new passphrase of mine", "k7#Lq9vZ2mPw", "Tr0ub4dor&3xyz",
     "summer in the hills of 2026"],
)  # fmt: skip
def test_other_passwords_pass(password: str) -> None:
    validate_password(password)


def test_the_workspace_bans_its_own_name(settings: Any) -> None:
    validator = GuessablePasswordValidator(words=["Acme Bakery", "acme"])
    for password in ["AcmeBakery2026!", "acme-bakery#1", "Acme12345678"]:
        with pytest.raises(ValidationError):
            validator.validate(password)
    validator.validate("bakery acme opens at six")  # a phrase around it is fine


@pytest.mark.django_db
def test_creating_a_user_or_changing_a_password_refuses_it(workspace: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        user_create(username="newbie", role=Role.REP, password="Summer2026!")
    assert "common word" in str(refused.value.detail)
    client = Client()
    client.force_login(workspace.rep)
    page = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Winter2026!!", "new_password2": "Winter2026!!",
    })  # fmt: skip
    assert page.status_code == 200 and "common word" in page.text
