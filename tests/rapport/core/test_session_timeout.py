"""A browser session ends after 8 idle hours, and 14 days after signing in at the latest."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rapport.core import middleware

pytestmark = pytest.mark.django_db
HOUR = 3600


class FrozenClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    frozen = FrozenClock(1_800_000_000.0)
    monkeypatch.setattr(middleware, "time", frozen)
    return frozen


def signed_in(client: Client) -> bool:
    return client.get("/people/").status_code == 200


def test_a_session_ends_after_eight_idle_hours(workspace: Any, clock: FrozenClock) -> None:
    client = Client()
    client.force_login(workspace.rep)
    assert signed_in(client)
    # Seven and a half hours later he is still signed in, and that request counts as activity
    clock.now += 7.5 * HOUR
    assert signed_in(client)
    clock.now += 7.5 * HOUR
    assert signed_in(client)
    # Eight hours and a minute without a request: signed out, on pages and in the API
    clock.now += 8 * HOUR + 60
    page = client.get("/people/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/api/v1/me").status_code == 401


def test_the_api_through_the_session_is_signed_out_too(workspace: Any, clock: FrozenClock) -> None:
    client = Client()
    client.force_login(workspace.rep)
    assert client.get("/api/v1/me").status_code == 200
    clock.now += 9 * HOUR
    assert client.get("/api/v1/me").status_code == 401


def test_even_an_active_session_ends_fourteen_days_after_signing_in(
    workspace: Any, clock: FrozenClock
) -> None:
    client = Client()
    client.force_login(workspace.rep)
    assert signed_in(client)
    for _ in range(14 * 24 // 6):  # a request every six hours, for two weeks
        clock.now += 6 * HOUR
        assert signed_in(client)
    clock.now += 6 * HOUR
    assert not signed_in(client)


def test_the_idle_time_is_a_setting(workspace: Any, clock: FrozenClock, settings: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "SESSION_IDLE_SECONDS": 30 * 60}
    assert settings.SESSION_COOKIE_AGE == 8 * HOUR  # the cookie lapses after the idle time too
    client = Client()
    client.force_login(workspace.rep)
    assert signed_in(client)
    clock.now += 31 * 60
    assert not signed_in(client)
