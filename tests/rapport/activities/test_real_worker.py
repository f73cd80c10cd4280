"""Reminders fire through the real worker: ``rapport worker`` as a separate process.

The in-memory (or per-test transactional) test database cannot be shared with
another process, so this test runs Rapport end to end on its own data folder in
``tmp_path``: a file SQLite database and huey's SQLite queue there, set up with
``rapport migrate`` and ``rapport shell``, then a real ``rapport worker`` and a
real SMTP server (aiosmtpd) on loopback. It asserts what a user would see: one
notification in the bell and one e-mail, even when the job is queued twice. It
never touches the test database, so it runs the same under SQLite or PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.real_worker, pytest.mark.slow]

SETUP = """
from datetime import timedelta
from django.utils import timezone
from rapport.accounts.services import user_create
from rapport.activities.notify import preference_update
from rapport.activities.task_services import task_create
rick, _ = user_create(username="rick", role="rep", password="correct horse battery staple",
                      email="rick@example.com")
preference_update(user=rick, email_reminders=True)
task_create(actor=rick, data={"title": "Ring Ana back", "due_at": timezone.now() - timedelta(minutes=1)})
"""
ENQUEUE = "from rapport.activities.tasks import fire_due_reminders; fire_due_reminders(); fire_due_reminders()"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _rapport(env: dict[str, str], *args: str, timeout: int = 120) -> None:
    subprocess.run([sys.executable, "-m", "rapport.cli", *args], env=env, check=True,
                   timeout=timeout, capture_output=True)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(check: Any, timeout: float = 45) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    return check()


def test_a_due_task_becomes_one_notification_and_one_email_through_the_worker(
    tmp_path: Path,
) -> None:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "RAPPORT_"))}
    env.update(RAPPORT_DATA_DIR=str(tmp_path), RAPPORT_EMAIL_HOST="127.0.0.1",
               RAPPORT_EMAIL_PORT=str(smtp.port),
               DJANGO_SETTINGS_MODULE="config.settings")  # fmt: skip
    worker = None
    try:
        # Given rick, who wants reminders by e-mail, and his task that just came due
        _rapport(env, "migrate", "--verbosity", "0")
        _rapport(env, "shell", "-c", SETUP)
        # When the worker runs and the reminder job is queued (twice, as after a retry)
        worker = subprocess.Popen([sys.executable, "-m", "rapport.cli", "worker", "--workers", "2"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
        _rapport(env, "shell", "-c", ENQUEUE)

        # Then rick has exactly one unread reminder and one e-mail
        db = tmp_path / "rapport.sqlite3"

        def notifications() -> list[tuple[str, str | None]]:
            with sqlite3.connect(db) as conn:
                return conn.execute(
                    "SELECT title, emailed_at FROM activities_notification"
                ).fetchall()

        assert _wait_for(lambda: any(e for _, e in notifications())), "the worker sent no e-mail"
        time.sleep(1.5)  # give a second (duplicate) job the chance to misbehave
        rows = notifications()
        assert len(rows) == 1 and rows[0][0].startswith("Reminder: Ring Ana back")
        assert [m.rcpt_tos for m in inbox.messages] == [["rick@example.com"]]
        assert b"Ring Ana back" in inbox.messages[0].content
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                output = worker.communicate(timeout=20)[0]
            except subprocess.TimeoutExpired:
                worker.kill()
                output = worker.communicate()[0]
            if sys.exc_info()[0] is not None:
                print(output.decode(errors="replace")[-4000:])
        smtp.stop()
