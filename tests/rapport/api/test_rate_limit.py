"""Each token (and each logged-in user) gets a number of requests per minute; then 429."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rapport.api import ratelimit


class FrozenClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    # 45 s into a minute, so the window cannot roll over while a test runs.
    frozen = FrozenClock(1_700_000_000 // 60 * 60 + 45.2)
    monkeypatch.setattr(ratelimit, "time", frozen)
    return frozen


@pytest.fixture
def limit_of_3(settings: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "API_RATE_LIMIT_PER_MINUTE": 3}


def test_over_the_limit_is_429_with_retry_after(
    workspace: Any, api_as: Any, clock: FrozenClock, limit_of_3: None
) -> None:
    client = api_as(workspace.rep)
    # when rick makes three requests in a minute
    assert [client.get("/api/v1/people").status_code for _ in range(3)] == [200, 200, 200]
    # then the fourth is refused until the minute is over
    refused = client.get("/api/v1/people")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "15"
    assert "Too many requests" in refused.json()["detail"]
    # and in the next minute he may go on
    clock.now += 15
    assert client.get("/api/v1/people").status_code == 200


def test_each_token_has_its_own_allowance(
    workspace: Any, api_as: Any, clock: FrozenClock, limit_of_3: None
) -> None:
    busy, quiet = api_as(workspace.rep), api_as(workspace.rep)
    for _ in range(4):
        busy.get("/api/v1/me")
    assert busy.get("/api/v1/me").status_code == 429
    assert quiet.get("/api/v1/me").status_code == 200


def test_a_session_user_is_limited_too(
    workspace: Any, clock: FrozenClock, limit_of_3: None
) -> None:
    client = Client()
    client.force_login(workspace.rep)
    codes = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_default_limit_is_generous(
    workspace: Any, api_as: Any, clock: FrozenClock, settings: Any
) -> None:
    assert settings.RAPPORT["API_RATE_LIMIT_PER_MINUTE"] == 600
    client = api_as(workspace.rep)
    assert all(client.get("/api/v1/me").status_code == 200 for _ in range(20))


def test_a_limit_of_zero_switches_it_off(
    workspace: Any, api_as: Any, clock: FrozenClock, settings: Any
) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "API_RATE_LIMIT_PER_MINUTE": 0}
    client = api_as(workspace.rep)
    assert all(client.get("/api/v1/me").status_code == 200 for _ in range(5))
