"""Nickname table: which given names are variants of one another (Bob/Robert, Peggy/Margaret)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["are_nicknames", "name_groups"]


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[int]]:
    """Map each known name to the ids of the variant groups it belongs to."""
    groups: dict[str, set[int]] = {}
    text = resources.files(__package__).joinpath("data/nicknames.csv").read_text("utf-8")
    group_id = 0
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        formal, _, variants = line.partition(",")
        group_id += 1
        for name in [formal, *variants.split()]:
            groups.setdefault(name.strip(), set()).add(group_id)
    return {name: frozenset(ids) for name, ids in groups.items()}


def name_groups(name: str) -> frozenset[int]:
    """Variant-group ids of a normalised given name (empty when unknown)."""
    return _table().get(name, frozenset())


def are_nicknames(first: str, second: str) -> bool:
    """True when two normalised given names share a variant group."""
    return bool(name_groups(first) & name_groups(second))
