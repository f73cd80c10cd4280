"""The client address: X-Forwarded-For is believed only from the proxies we configured."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from config.env import ConfigurationError, load
from rapport.core.client_ip import client_ip


def ip(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.fixture
def proxies(settings: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "TRUSTED_PROXIES": ["10.0.0.0/8", "fd00::/8"]}


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert ip("192.0.2.1", "198.51.100.1") == "192.0.2.1"


def test_past_trusted_proxies_the_first_untrusted_hop_from_the_right(proxies: None) -> None:
    assert ip("10.0.0.1", "198.51.100.1") == "198.51.100.1"
    assert ip("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.2.2.2") == "198.51.100.1"
    assert ip("fd00::1", "[2001:db8::5]:443") == "2001:db8::5"
    assert ip("10.0.0.1", "198.51.100.1:5555") == "198.51.100.1"
    # a request straight from the internet gets no say
    assert ip("192.0.2.1", "198.51.100.1") == "192.0.2.1"
    # garbage stops the walk at the last hop a proxy of ours vouched for
    assert ip("10.0.0.1", "198.51.100.1, not-an-address") == "10.0.0.1"
    assert ip("10.0.0.1") == "10.0.0.1"


def test_a_malformed_proxy_setting_fails_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example.com")
    with pytest.raises(ConfigurationError, match="RAPPORT_TRUSTED_PROXIES"):
        load()
    monkeypatch.setenv("RAPPORT_TRUSTED_PROXIES", "10.0.0.1, 2001:db8::/32")
    assert load().trusted_proxies == ["10.0.0.1/32", "2001:db8::/32"]
