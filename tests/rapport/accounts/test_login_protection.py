"""Guessing passwords: locked per client address, slowed per account, never locking the owner out.

The address is REMOTE_ADDR unless the request comes from a configured proxy; then the
hop before our proxies in X-Forwarded-For.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.accounts import login

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"


class FrozenClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    frozen = FrozenClock(1_700_000_000 // 900 * 900 + 1.0)  # at the start of a 15-minute window
    monkeypatch.setattr(login, "time", frozen)
    return frozen


def sign_in(username: str, password: str, address: str, client: Client | None = None,
            **headers: str) -> Any:  # fmt: skip
    client = client or Client()
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=address, headers=headers)  # fmt: skip


def signed_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("people:person_list")


def test_failures_from_one_address_lock_it_for_every_account(workspace: Any, settings: Any) -> None:
    assert settings.AXES_FAILURE_LIMIT == 10
    # Given one address tried ten wrong passwords over several accounts
    codes = [sign_in(name, "wrong guess", "203.0.113.5").status_code
             for name in ["rick", "rita", "mona", "nobody", "alice"] * 2]  # fmt: skip
    assert codes == [200] * 9 + [429]  # the tenth failure already answers "locked"
    # Then it cannot sign in to any account, even with the right password
    locked = sign_in("sam", PASSWORD, "203.0.113.5")
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    # while the same account from another address is let in
    assert signed_in(sign_in("sam", PASSWORD, "198.51.100.20"))


def test_x_forwarded_for_is_ignored_unless_the_request_comes_from_a_trusted_proxy(
    workspace: Any, settings: Any
) -> None:
    # No proxies configured: a client cannot dodge the lock by inventing forwarded addresses
    for n in range(10):
        sign_in(f"user{n}", "wrong guess", "192.0.2.9", x_forwarded_for=f"198.51.100.{n}")
    assert (
        sign_in("rita", PASSWORD, "192.0.2.9", x_forwarded_for="198.51.100.99").status_code == 429
    )


def test_behind_a_trusted_proxy_each_client_is_locked_on_its_own(
    workspace: Any, settings: Any
) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "TRUSTED_PROXIES": ["10.0.0.0/8"]}
    proxy = "10.0.0.2"
    # Client A guesses (sometimes prefixing an invented address: the proxy appends the real one)
    for n in range(10):
        forwarded = "198.51.100.7" if n % 2 else f"1.2.3.{n}, 198.51.100.7"
        sign_in(f"user{n}", "wrong guess", proxy, x_forwarded_for=forwarded)
    assert sign_in("rick", PASSWORD, proxy, x_forwarded_for="198.51.100.7").status_code == 429
    # Client B, behind the same proxy, is not affected
    assert signed_in(sign_in("rick", PASSWORD, proxy, x_forwarded_for="198.51.100.8"))
    # Two proxies of ours in a row: the client is the hop before them
    assert (
        sign_in("rick", PASSWORD, proxy, x_forwarded_for="198.51.100.7, 10.1.1.1").status_code
        == 429
    )


def test_one_account_guessed_from_many_addresses_is_slowed_down_not_locked(
    workspace: Any, clock: FrozenClock
) -> None:
    # Given five wrong guesses for rick, each from another address (none gets locked)
    for n in range(5):
        assert sign_in("rick", "wrong guess", f"192.0.2.{n}").status_code == 200
    # Then rick may be tried once per 30 seconds from anywhere
    assert sign_in("rick", "wrong guess", "192.0.2.50").status_code == 200
    slowed = sign_in("rick", PASSWORD, "192.0.2.51")
    assert slowed.status_code == 429 and "tried again in" in slowed.text
    assert int(slowed["Retry-After"]) <= 30
    assert "_auth_user_id" not in slowed.client.session
    # other accounts are not slowed
    assert signed_in(sign_in("rita", PASSWORD, "192.0.2.52"))
    # and once the period is over, the right password works
    clock.now += 30
    assert signed_in(sign_in("rick", PASSWORD, "192.0.2.51"))


def test_a_browser_that_signed_in_before_is_never_slowed_down(
    workspace: Any, clock: FrozenClock
) -> None:
    # Given rick signed in on his laptop before, and signed out
    laptop = Client()
    assert signed_in(sign_in("rick", PASSWORD, "198.51.100.30", client=laptop))
    laptop.post(reverse("accounts:logout"))
    # When an attacker keeps guessing his password from many addresses
    for n in range(8):
        sign_in("RICK", "wrong guess", f"192.0.2.{n}")
    assert sign_in("rick", PASSWORD, "192.0.2.100").status_code == 429
    # Then rick still signs in on his laptop at once
    assert signed_in(sign_in("rick", PASSWORD, "198.51.100.30", client=laptop))
    # but a forged device cookie proves nothing
    forged = Client()
    forged.cookies[login.DEVICE_COOKIE] = "rick"
    assert sign_in("rick", PASSWORD, "192.0.2.101", client=forged).status_code == 429


def test_the_counters_do_not_hold_the_user_names_typed(workspace: Any, clock: FrozenClock) -> None:
    from rapport.core.ratelimit import TABLE, _store

    for n in range(6):
        sign_in("Rick.Sanchez", "wrong guess", f"192.0.2.{n}")
    buckets = [row[0] for row in _store()._execute(f"SELECT bucket FROM {TABLE}", ())]  # noqa: S608
    login_buckets = [b for b in buckets if b.startswith("login-")]
    # Then the failures and the slow-down slot were counted, under a hash of the account
    assert {b.split(":")[0] for b in login_buckets} == {"login-fail", "login-slot"}
    assert not [b for b in buckets if "rick" in b.casefold()]
    # and the same account typed differently counts in the same bucket
    assert login._bucket("login-fail", " RICK.sanchez ") in login_buckets
