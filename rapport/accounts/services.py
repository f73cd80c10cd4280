"""Writes for users, teams, tokens and workspace settings."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rapport.accounts.models import ApiToken, Role, Team, User, Visibility, WorkspaceSettings
from rapport.core.errors import Conflict, ValidationFailed

TOKEN_PREFIX = "rpt_"  # noqa: S105 -- a public marker, not a secret


def team_get_or_create(*, name: str) -> Team:
    name = name.strip()
    if not name:
        raise ValidationFailed({"team": ["A team needs a name."]})
    team, _ = Team.objects.get_or_create(name=name)
    return team


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    teams: list[Team] | None = None,
) -> tuple[User, str | None]:
    """Create a user. Returns the user and, if none was given, a generated password."""
    username = username.strip()
    if role not in Role.values:
        raise ValidationFailed({"role": [f"Role must be one of {', '.join(Role.values)}."]})
    if not username:
        raise ValidationFailed({"username": ["A user name is required."]})
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"A user named {username!r} already exists.")
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(15)
    user = User(
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.ADMIN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.save()
    if teams:
        user.teams.set(teams)
    return user, generated


def user_set_role(*, user: User, role: str) -> User:
    if role not in Role.values:
        raise ValidationFailed({"role": [f"Role must be one of {', '.join(Role.values)}."]})
    user.role = role
    user.is_staff = role == Role.ADMIN
    user.save(update_fields=["role", "is_staff"])
    return user


def user_set_teams(*, user: User, teams: list[Team]) -> User:
    user.teams.set(teams)
    user.__dict__.pop("team_ids", None)  # the cached property would otherwise be stale
    return user


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account; its records, history and tokens stay."""
    if not active and user.pk == actor.pk:
        raise ValidationFailed({"is_active": ["You cannot deactivate your own account."]})
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a token; the secret is returned once and only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:10], key_hash=_hash(secret)
    )
    return token, secret


def token_authenticate(*, secret: str) -> ApiToken | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute: a write per request would serialise readers.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def workspace_set_visibility(*, visibility: str) -> WorkspaceSettings:
    if visibility not in Visibility.values:
        raise ValidationFailed({"visibility": [f"Must be one of {', '.join(Visibility.values)}."]})
    ws = WorkspaceSettings.current()
    ws.visibility = visibility
    ws.updated_at = timezone.now()
    ws.save(update_fields=["visibility", "updated_at"])
    return ws
