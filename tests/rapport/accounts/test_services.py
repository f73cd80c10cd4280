"""Users, tokens and passwords."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.accounts.models import ApiToken, Role, User
from rapport.accounts.services import token_authenticate, token_create, token_revoke, user_create
from rapport.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


def test_user_create_generates_a_strong_password_once() -> None:
    # When an admin account is created without a password
    user, generated = user_create(username="boss", role=Role.ADMIN)
    # Then a password is generated, it works, and only its hash is stored
    assert generated and len(generated) >= 15
    assert user.check_password(generated)
    assert generated not in User.objects.get(pk=user.pk).password
    assert user.is_admin and user.is_staff


def test_weak_password_and_duplicate_name_are_refused(workspace: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        user_create(username="weak", role=Role.REP, password="12345")
    assert "password" in exc.value.detail
    with pytest.raises(Conflict):
        user_create(username="RICK", role=Role.REP, password="another long passphrase")
    with pytest.raises(ValidationFailed):
        user_create(username="x", role="overlord", password="another long passphrase")


def test_argon2_is_the_password_hasher(settings: Any) -> None:
    # Given the production hasher list (tests swap in a fast one elsewhere)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user, _ = user_create(username="hashy", role=Role.REP, password="a long enough passphrase")
    assert user.password.startswith("argon2$")


def test_token_is_stored_hashed_and_can_be_revoked(workspace: Any) -> None:
    # Given a new token
    token, secret = token_create(user=workspace.rep, name="script")
    # Then the secret is not stored, yet authenticates
    assert not ApiToken.objects.filter(key_hash=secret).exists()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    found = token_authenticate(secret=secret)
    assert found is not None and found.user == workspace.rep
    # When revoked, it no longer authenticates
    token_revoke(token=token)
    assert token_authenticate(secret=secret) is None
    assert token_authenticate(secret="rpt_not-a-token") is None
    assert token_authenticate(secret="garbage") is None


def test_token_of_deactivated_user_is_refused(workspace: Any) -> None:
    _, secret = token_create(user=workspace.rep)
    workspace.rep.is_active = False
    workspace.rep.save(update_fields=["is_active"])
    assert token_authenticate(secret=secret) is None
