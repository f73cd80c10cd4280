"""A worker killed with SIGKILL in the middle of a campaign, then started again: the
SMTP server receives each recipient's e-mail exactly once.

Everything runs for real: ``rapport migrate``, ``rapport shell`` to set up and schedule
the campaign, ``rapport worker`` (the huey consumer) on a file SQLite database in
tmp_path, and a deliberately slow SMTP server on loopback so the kill lands mid-send.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.rapport.campaigns.conftest import Sink, start_sink

RECIPIENTS = 30
KILL_AFTER = 8

SETUP = f"""
from rapport.accounts.services import user_create
from rapport.campaigns.services.campaigns import campaign_create, campaign_schedule
from rapport.campaigns.services.templates import template_create
from rapport.people.services import person_create
boss, _ = user_create(username="boss", role="admin", password="correct horse battery staple")
ids = [person_create(actor=boss, data={{"first_name": f"P{{i}}", "emails": [f"p{{i}}@example.com"],
       "email_consent": "granted"}}).pk for i in range({RECIPIENTS})]
t = template_create(actor=boss, data={{"name": "N", "kind": "marketing", "subject": "Hi {{{{ person.first_name }}}}",
    "body_text": "Hello"}})
c = campaign_create(actor=boss, data={{"name": "Crash", "template_id": t.pk, "audience_kind": "static",
    "person_ids": ids}})
campaign_schedule(actor=boss, campaign=c)
print("campaign", c.pk)
"""


def _rapport(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rapport.cli", *args], env=env, text=True,
                          capture_output=True, check=True, timeout=300, **kwargs)  # type: ignore[call-overload, no-any-return]  # fmt: skip


def _worker_env(tmp_path: Path, smtp_port: int) -> dict[str, str]:
    """A worker process's environment: its own SQLite folder, the sink as mail server."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({
        "RAPPORT_DATA_DIR": str(tmp_path / "data"), "RAPPORT_SECRET_KEY": "crash-test-key",
        "RAPPORT_EMAIL_HOST": "127.0.0.1", "RAPPORT_EMAIL_PORT": str(smtp_port),
        "RAPPORT_FROM_EMAIL": "crm@example.com", "DJANGO_SETTINGS_MODULE": "config.settings",
        "RAPPORT_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    return env


@dataclass
class CrashRun:
    """A campaign scheduled in a fresh SQLite folder, its mail server, its workers."""

    sink: Sink
    env: dict[str, str]
    db: Path
    log: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)


@contextmanager
def crash_run(tmp_path: Path, setup: str, *, delay: float = 0.0) -> Iterator[CrashRun]:
    """Migrate, run ``setup`` (which schedules a campaign) and hand over the run; stop its
    workers and its mail server afterwards, whatever happened."""
    sink, controller = start_sink(delay=delay)
    env = _worker_env(tmp_path, sink.port)
    run = CrashRun(sink, env, tmp_path / "data" / "rapport.sqlite3", tmp_path / "worker.log")
    try:
        _rapport("migrate", "--no-input", env=env)
        assert "campaign" in _rapport("shell", "-c", setup, env=env).stdout
        yield run
    finally:
        _stop_workers(run.workers)
        controller.stop()


def _kill_worker_after(
    messages: int,
    *,
    sink: Sink,
    env: dict[str, str],
    log: Path,
    workers: list[subprocess.Popen[bytes]],
    poll: float = 0.02,
) -> int:
    """Start a worker (added to ``workers``), wait until ``sink`` has received ``messages``
    e-mails, then kill it outright (SIGKILL). Returns how many the sink had by then."""
    worker = _worker(env, log)
    workers.append(worker)
    deadline = time.monotonic() + 120
    while len(sink.received) < messages:
        assert time.monotonic() < deadline, log.read_text()
        assert worker.poll() is None, log.read_text()
        time.sleep(poll)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    return len(sink.received)


def _restart_until_sent(
    *, env: dict[str, str], log: Path, db: Path, workers: list[subprocess.Popen[bytes]],
    timeout: float,
) -> None:  # fmt: skip
    """Start a worker again and wait until the campaign is sent (and its last answers in)."""
    workers.append(_worker(env, log))
    deadline = time.monotonic() + timeout
    while _status(db)[0] != "sent":
        assert time.monotonic() < deadline, (_status(db), log.read_text())
        time.sleep(0.2)
    time.sleep(0.5)  # let the last messages' answers reach the sink's list


def _stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "rapport.cli", "worker", "--workers", "2"],
                            env=env, stdout=handle, stderr=subprocess.STDOUT)  # fmt: skip


def _status(db: Path) -> tuple[str, dict[str, int]]:
    with sqlite3.connect(db, timeout=20) as conn:
        (campaign,) = conn.execute("select status from campaigns_campaign").fetchone()
        rows = conn.execute(
            "select status, count(*) from campaigns_campaignrecipient group by status"
        )
        return campaign, dict(rows.fetchall())


@pytest.mark.real_worker
@pytest.mark.slow
def test_a_worker_killed_mid_campaign_and_restarted_sends_each_email_once(tmp_path: Path) -> None:
    # Given a campaign to 30 people, scheduled to go now, and a slow mail server
    with crash_run(tmp_path, SETUP, delay=0.15) as run:
        # When the worker has handed over a few e-mails and is killed outright
        before_restart = _kill_worker_after(KILL_AFTER, sink=run.sink, env=run.env, log=run.log,
                                            workers=run.workers)  # fmt: skip
        assert before_restart < RECIPIENTS
        # And a worker is started again
        _restart_until_sent(env=run.env, log=run.log, db=run.db, workers=run.workers, timeout=120)
        # Then every recipient got the campaign exactly once
        counts = Counter(r.rcpt_tos[0] for r in run.sink.received)
        assert counts == Counter({f"p{i}@example.com": 1 for i in range(RECIPIENTS)})
        # And the database says so: sent, or (for the one cut off mid-hand-off) unconfirmed
        _, statuses = _status(run.db)
        assert set(statuses) <= {"sent", "unconfirmed"}, statuses
        assert sum(statuses.values()) == RECIPIENTS
        assert statuses.get("unconfirmed", 0) <= 5
