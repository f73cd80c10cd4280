"""Counters for rate limits that every server process shares.

A limit kept in a process's memory is no limit when gunicorn runs five workers (each
counts alone) or when there are several app servers. So each hit is counted in one
place all of them see, chosen from the settings:

- **Redis**, when ``RAPPORT_REDIS_URL`` is set (the URL huey uses): ``INCR`` plus an
  absolute expiry, atomic and shared by every app server;
- **PostgreSQL**, when that is the database: one row per counter in
  ``core_ratecounter``, bumped by a single ``INSERT … ON CONFLICT DO UPDATE``;
- **SQLite** (one machine): the same statement in a small file of its own beside the
  database (``ratelimit.sqlite3`` in the data folder). Counting there never waits for
  the main database's writer (an import holds it for whole batches) and skips the
  fsync: a counter lost to a power cut costs nothing.

Windows are fixed (a calendar minute, an hour…): one statement per hit and no history.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

TABLE = "core_ratecounter"
# One hit in this many also sweeps counters whose window ended long ago.
SWEEP_ONE_IN = 500

_UPSERT = f"""
INSERT INTO {TABLE} (bucket, count, expires_at) VALUES (%s, 1, %s)
ON CONFLICT (bucket) DO UPDATE SET
  count = CASE WHEN {TABLE}.expires_at <= %s THEN 1 ELSE {TABLE}.count + 1 END,
  expires_at = CASE WHEN {TABLE}.expires_at <= %s THEN excluded.expires_at
               ELSE {TABLE}.expires_at END
RETURNING count
"""  # noqa: S608 -- the table name is a constant
_PEEK = f"SELECT count FROM {TABLE} WHERE bucket = %s AND expires_at > %s"  # noqa: S608
_SWEEP = f"DELETE FROM {TABLE} WHERE expires_at < %s"  # noqa: S608
_RESET = f"DELETE FROM {TABLE}"  # noqa: S608


@dataclass(frozen=True)
class Window:
    """The fixed window ``now`` falls in."""

    seconds: int
    now: float

    @property
    def index(self) -> int:
        return int(self.now // self.seconds)

    @property
    def ends_at(self) -> int:
        return (self.index + 1) * self.seconds

    @property
    def seconds_left(self) -> int:
        return max(1, int(self.ends_at - self.now + 0.999))


def rate_hit(bucket: str, *, window_seconds: int, now: float | None = None) -> int:
    """Count one hit on ``bucket`` in the current window; answer the window's count so far."""
    window = Window(window_seconds, time.time() if now is None else now)
    return _store().hit(bucket, window)


def rate_peek(bucket: str, *, window_seconds: int, now: float | None = None) -> int:
    """The current window's count for ``bucket``, without counting a hit."""
    window = Window(window_seconds, time.time() if now is None else now)
    return _store().peek(bucket, window)


def rate_reset() -> None:
    """Forget every counter (tests, and an admin who wants a clean slate)."""
    _store().reset()


class _SqlStore:
    """The statements above, on a DB-API cursor whose placeholders are ``%s``."""

    def cursor(self) -> Any:
        raise NotImplementedError

    def _execute(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []

    def hit(self, bucket: str, window: Window) -> int:
        now = window.now
        if random.randrange(SWEEP_ONE_IN) == 0:
            self._execute(_SWEEP, (now - 3600,))
        rows = self._execute(_UPSERT, (bucket, window.ends_at, now, now))
        return int(rows[0][0])

    def peek(self, bucket: str, window: Window) -> int:
        rows = self._execute(_PEEK, (bucket, window.now))
        return int(rows[0][0]) if rows else 0

    def reset(self) -> None:
        self._execute(_RESET, ())


class _DatabaseStore(_SqlStore):
    """The main database (PostgreSQL): every app server shares it."""

    def cursor(self) -> Any:
        return connection.cursor()


class _SidecarCursor:
    """sqlite3's cursor with ``%s`` placeholders and a context manager, like Django's."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._cursor = conn.cursor()

    def __enter__(self) -> _SidecarCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    def execute(self, sql: str, params: tuple[Any, ...]) -> None:
        self._cursor.execute(sql.replace("%s", "?"), params)

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


class _SidecarStore(_SqlStore):
    """A file of its own beside the SQLite database, shared by the processes of one machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            return conn
        if not self.path.exists():  # created private, like the database beside it
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (bucket TEXT PRIMARY KEY,"
            " count INTEGER NOT NULL, expires_at REAL NOT NULL)"
        )
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def cursor(self) -> Any:
        return _SidecarCursor(self._connection())


class _RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)

    @staticmethod
    def _key(bucket: str, window: Window) -> str:
        return f"rapport:rate:{bucket}:{window.index}"

    def hit(self, bucket: str, window: Window) -> int:
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(self._key(bucket, window))
        # An absolute expiry is the same for every hit of the window: setting it again is harmless.
        pipe.expireat(self._key(bucket, window), window.ends_at + 30)
        count, _ = pipe.execute()
        return int(count)

    def peek(self, bucket: str, window: Window) -> int:
        value = self.client.get(self._key(bucket, window))
        return int(value) if value is not None else 0

    def reset(self) -> None:
        keys = list(self.client.scan_iter(match="rapport:rate:*"))
        if keys:
            self.client.delete(*keys)


_stores: dict[tuple[str, str], Any] = {}
_stores_lock = threading.Lock()


def _store() -> Any:
    redis_url = str(settings.RAPPORT.get("REDIS_URL") or "")
    if redis_url:
        where = ("redis", redis_url)
    elif connection.vendor == "sqlite":
        where = ("sidecar", str(Path(settings.DATA_DIR) / "ratelimit.sqlite3"))
    else:
        where = ("database", connection.alias)
    with _stores_lock:
        store = _stores.get(where)
        if store is None:
            kind, location = where
            if kind == "redis":
                store = _RedisStore(location)
            elif kind == "sidecar":
                store = _SidecarStore(Path(location))
            else:
                store = _DatabaseStore()
            _stores[where] = store
    return store
