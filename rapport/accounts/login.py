"""Signing in, protected against guessing without letting anyone lock out the rightful user.

Two limits work together (see docs/security.md):

- **Per address, across accounts** (django-axes, keyed on the client address from
  ``rapport.core.client_ip``): after ``LOGIN_FAILURES_PER_ADDRESS`` wrong passwords,
  that address may not sign in for 15 minutes. This stops one machine trying many
  accounts.
- **Per account, across addresses** (here): after ``LOGIN_FAILURES_PER_ACCOUNT`` wrong
  passwords for one user name within 15 minutes, that name may be tried only once per
  ``LOGIN_SLOWDOWN_SECONDS`` in all, the password not even checked in between. Guessing
  from many addresses then yields a few attempts a minute, not thousands. It is a
  slow-down, not a lock: and a browser that has signed in to the account before
  carries a signed *device cookie* that exempts it, so an attacker hammering the
  account cannot keep its owner out (OWASP's "device cookies"; ASVS 6.1.1).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.crypto import salted_hmac

from rapport.core.ratelimit import Window, rate_hit, rate_peek

FAILURE_WINDOW_SECONDS = 15 * 60
DEVICE_COOKIE = "rapport_device"
DEVICE_COOKIE_SALT = "rapport.accounts.login.device"
DEVICE_COOKIE_DAYS = 180


def _limits() -> tuple[int, int]:
    rapport = settings.RAPPORT
    return int(rapport.get("LOGIN_FAILURES_PER_ACCOUNT", 5)), int(
        rapport.get("LOGIN_SLOWDOWN_SECONDS", 30)
    )


def _account(username: str) -> str:
    return username.strip().casefold()[:150]


def _bucket(kind: str, username: str) -> str:
    """A counter's name: keyed hash of the account, so the counter table holds no user names."""
    digest = salted_hmac("rapport.login-bucket", _account(username)).hexdigest()[:32]
    return f"{kind}:{digest}"


def _device_accounts(request: Any) -> list[str]:
    """The accounts this browser signed in to before, from its signed device cookie."""
    value = request.COOKIES.get(DEVICE_COOKIE) if request is not None else None
    if not value:
        return []
    try:
        known = signing.loads(
            value, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return []
    return [a for a in known if isinstance(a, str)] if isinstance(known, list) else []


def _known_device(request: Any, username: str) -> bool:
    return _account(username) in _device_accounts(request)


def login_slowdown(*, username: str, request: Any) -> int:
    """Seconds to wait before ``username`` may be tried again from here; 0: go ahead.

    Asking counts as the attempt: once the account is being slowed down, the first
    attempt in each period goes through and the others wait.
    """
    failures_allowed, slowdown = _limits()
    if failures_allowed <= 0 or _known_device(request, username):
        return 0
    now = time.time()
    failures = rate_peek(
        _bucket("login-fail", username), window_seconds=FAILURE_WINDOW_SECONDS, now=now
    )
    if failures < failures_allowed:
        return 0
    period = Window(max(1, slowdown), now)
    if rate_hit(_bucket("login-slot", username), window_seconds=period.seconds, now=now) > 1:
        return period.seconds_left
    return 0


def login_failed(*, username: str) -> None:
    rate_hit(
        _bucket("login-fail", username), window_seconds=FAILURE_WINDOW_SECONDS, now=time.time()
    )


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "slowed": (
            "Too many failed sign-ins for this account. To protect it, it can be tried "
            "again in %(seconds)d seconds."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and self.cleaned_data.get("password"):
            wait = login_slowdown(username=username, request=self.request)
            if wait:
                self.wait_seconds = wait
                raise ValidationError(
                    self.error_messages["slowed"], code="slowed", params={"seconds": wait}
                )
        try:
            return super().clean()
        except ValidationError as error:
            if username and getattr(error, "code", None) == "invalid_login":
                login_failed(username=username)
            raise


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        wait = getattr(form, "wait_seconds", 0)
        if wait:
            response.status_code = 429
            response["Retry-After"] = str(wait)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Remember (signed) that this browser knows this account's password.
        account = _account(form.get_user().get_username())
        others = [a for a in _device_accounts(self.request) if a != account]
        accounts = [account, *others][:5]
        response.set_cookie(
            DEVICE_COOKIE,
            signing.dumps(accounts, salt=DEVICE_COOKIE_SALT),
            max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
            httponly=True,
            secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
            samesite="Lax",
        )
        return response
