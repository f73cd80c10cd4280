"""A worker SIGKILLed in the middle of delivering events, then started again: the
after-commit consumer's effect exists exactly once per event.

Everything runs for real: ``rapport migrate``, ``rapport shell`` to create organisations
(each commit enqueues a dispatch in huey's SQLite queue), ``rapport worker`` on a file
SQLite database in tmp_path, with a test app adding a slow consumer (crash_app).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.rapport.core.crash_app.apps import CONSUMER, EFFECT

EVENTS = 30
KILL_AFTER = 8

SETUP = f"""
from rapport.accounts.services import user_create
from rapport.people.services import organization_create
boss, _ = user_create(username="boss", role="admin", password="correct horse battery staple")
for i in range({EVENTS}):
    organization_create(actor=boss, data={{"name": f"Org {{i}}"}})
print("created")
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({
        "RAPPORT_DATA_DIR": str(tmp_path / "data"), "RAPPORT_SECRET_KEY": "crash-test-key",
        "DJANGO_SETTINGS_MODULE": "tests.rapport.core.crash_settings", "RAPPORT_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    return env


def _rapport(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "rapport.cli", *args], env=env, text=True,
                          capture_output=True, check=True, timeout=300)  # fmt: skip
    return done.stdout


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "rapport.cli", "worker", "--workers", "2"],
                            env=env, stdout=handle, stderr=subprocess.STDOUT)  # fmt: skip


def _effects(db: Path) -> Counter[int]:
    with sqlite3.connect(db, timeout=20) as conn:
        rows = conn.execute("select entity_id from core_auditevent where entity_type = ?", [EFFECT])
        return Counter(pk for (pk,) in rows.fetchall())


def _query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(db, timeout=20) as conn:
        return list(conn.execute(sql, params).fetchall())


@pytest.mark.real_worker
@pytest.mark.slow
def test_a_worker_killed_mid_dispatch_and_restarted_delivers_each_event_once(
    tmp_path: Path,
) -> None:
    env, log = _env(tmp_path), tmp_path / "worker.log"
    db = tmp_path / "data" / "rapport.sqlite3"
    workers: list[subprocess.Popen[bytes]] = []
    try:
        _rapport("migrate", "--no-input", env=env)
        # Given 30 organisations created, each commit having enqueued a dispatch
        assert "created" in _rapport("shell", "-c", SETUP, env=env)
        event_ids = [pk for (pk,) in _query(db, "select id from core_outboxevent "
                                                "where name = 'organization.created' order by id")]  # fmt: skip
        assert len(event_ids) == EVENTS and _effects(db) == Counter()
        # When a worker has delivered a few and is killed outright
        workers.append(_worker(env, log))
        deadline = time.monotonic() + 120
        while sum(_effects(db).values()) < KILL_AFTER:
            assert time.monotonic() < deadline, log.read_text()
            assert workers[-1].poll() is None, log.read_text()
            time.sleep(0.02)
        os.kill(workers[-1].pid, signal.SIGKILL)
        workers[-1].wait()
        assert sum(_effects(db).values()) < EVENTS
        # And a worker is started again
        workers.append(_worker(env, log))
        deadline = time.monotonic() + 150  # the periodic dispatch runs every minute
        while sum(_effects(db).values()) < EVENTS:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        time.sleep(1)  # anything still running would show now
        # Then each event's effect exists exactly once, and the cursor is at the last one
        assert _effects(db) == Counter(dict.fromkeys(event_ids, 1))
        cursor = "select last_event_id from core_eventcursor where consumer = ?"
        assert _query(db, cursor, (CONSUMER,)) == [(event_ids[-1],)]
        assert _query(db, "select count(*) from core_outboxevent where dispatched_at is null") == [
            (0,)
        ]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
