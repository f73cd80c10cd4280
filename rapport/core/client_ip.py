"""The address a request came from, believing ``X-Forwarded-For`` only from our own proxies.

Anyone can send an ``X-Forwarded-For`` header, so it is read only when the request
arrives from an address listed in ``RAPPORT_TRUSTED_PROXIES`` (none by default). The
header is then read from the right: each proxy appends the address it heard from, so
the first address that is not one of ours is the client; whatever lies left of it
was written by the client and proves nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(listed: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in listed)


def _address(text: str) -> Any:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def trusted_proxies() -> tuple[IPNetwork, ...]:
    return _networks(tuple(settings.RAPPORT.get("TRUSTED_PROXIES", ())))


def _trusted(address: Any, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or past our proxies the hop before them."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = trusted_proxies()
    peer = _address(remote)
    if peer is None or not networks or not _trusted(peer, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = peer
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:  # garbage: stop at the last address a proxy of ours vouched for
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
