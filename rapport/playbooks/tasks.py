"""The nightly indicator snapshot, after the value recompute (03:15) has rescored."""

from __future__ import annotations

from rapport.core.schedule import scheduled
from rapport.playbooks.services import snapshot_take


@scheduled
def nightly_indicator_snapshot() -> str:
    """Safe to run twice: a second run the same day replaces the day's values."""
    return snapshot_take().summary()
