"""The nightly indicator snapshot, after the value recompute (03:15) has rescored."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from rapport.playbooks.services import snapshot_take


@db_periodic_task(crontab(hour="4", minute="10"))
def nightly_indicator_snapshot() -> str:
    """Safe to run twice: a second run the same day replaces the day's values."""
    return snapshot_take().summary()
