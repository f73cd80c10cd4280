"""Who is calling: a bearer token (scripts) or the browser session (the app's own pages).

A request that names a token is judged by that token alone: a wrong or revoked
token is a 401 even if a session cookie came along, so a script never silently
acts as whoever is logged in to the browser.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from rapport.accounts.models import User
from rapport.accounts.services import token_authenticate
from rapport.api.ratelimit import enforce_rate_limit


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer rpt_…`` with a token from ``rapport token create``."""

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(message="Send the token as 'Authorization: Bearer <token>'.")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = token_authenticate(secret=token)
        if api_token is None:
            raise AuthenticationError(message="This API token is not valid, or it was revoked.")
        enforce_rate_limit(f"token:{api_token.pk}")
        # Code further down (and its logs) reads request.user; make it the token's owner.
        request.user = api_token.user
        return api_token.user


class SessionUserAuth(SessionAuth):
    """The logged-in browser session. Unsafe methods need the CSRF token, as for pages."""

    def __call__(self, request: HttpRequest) -> User | None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: let the caller get a 401, not a CSRF error
        self._get_key(request)  # raises 403 "CSRF check Failed" for a forged unsafe request
        enforce_rate_limit(f"user:{user.pk}")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user: Any = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


def current_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by one of the classes above)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
