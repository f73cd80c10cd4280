"""Cheap per-message claims that still guarantee "never twice".

A claim committed with full durability costs an fsync (milliseconds on a busy disk),
too slow for one per message. So a batch is claimed durably in one commit
(``queued → claimed``), and each message's own claim (``claimed → sending``, just
before the hand-off) is committed *relaxed*: SQLite WAL with synchronous=NORMAL,
PostgreSQL with synchronous_commit=off. A relaxed commit survives the worker being
killed (the operating system, or the database server, already has it); it is lost
only if the machine (SQLite) or the database server (PostgreSQL) crashes.

The *epoch* tells those cases apart: the machine's boot id for SQLite, the database
server's start time for PostgreSQL, recorded with the lease. A runner taking over a
campaign from the same epoch trusts the relaxed claims ("claimed" rows were never
handed over: they go back to the queue); from another epoch it does not ("claimed"
rows may have been handed over: they are marked unconfirmed, never re-sent).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def epoch() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_postmaster_start_time()::text")
            return "pg " + str(cursor.fetchone()[0])
    try:
        return "boot " + BOOT_ID.read_text().strip()
    except OSError:  # not Linux: no way to tell a restart, so never trust relaxed claims
        return "unknown"


def trusts(previous_epoch: str) -> bool:
    return previous_epoch != "unknown" and previous_epoch == epoch()


def _set(relaxed: bool) -> None:
    if connection.in_atomic_block:  # inside someone's transaction: nothing commits alone
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA synchronous={'NORMAL' if relaxed else 'FULL'}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"SET synchronous_commit TO {'off' if relaxed else 'DEFAULT'}")


@contextmanager
def relaxed_commits() -> Iterator[None]:
    """Commits inside survive a killed worker, not a crashed machine or database server."""
    _set(True)
    try:
        yield
    finally:
        _set(False)
