"""Many imports through the real worker: every one finishes and other jobs still run.

The import's cleaning helper process is forked from a huey worker thread. It used to
inherit huey's SIGTERM handler, so the pool's ``terminate()`` on leaving the ``with``
block was ignored and the worker thread waited in ``join`` for ever: four in sixteen
small imports hung, and with both threads pinned no reminder, send or poll ran. This
runs ``rapport worker`` as a separate process on its own data folder (a file SQLite
database and huey's SQLite queue in tmp_path), so it runs the same under either
test database.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.real_worker, pytest.mark.slow]

IMPORTS = 16
SETUP = f"""
from datetime import timedelta
from pathlib import Path
from django.utils import timezone
from rapport.accounts.services import user_create
from rapport.activities.task_services import task_create
from rapport.dataio.services import import_job_configure, import_job_create_from_path, import_job_start
boss, _ = user_create(username="boss", role="admin", password="correct horse battery staple")
path = Path({{csv!r}})
for _ in range({IMPORTS}):
    job = import_job_create_from_path(actor=boss, entity="person", path=path)
    job = import_job_configure(actor=boss, job=job, data={{{{"mapping": job.mapping, "key": job.key,
                               "dry_run": True}}}})
    import_job_start(actor=boss, job=job)
task_create(actor=boss, data={{{{"title": "Ring Ana back", "due_at": timezone.now() - timedelta(minutes=1)}}}})
from rapport.activities.tasks import fire_due_reminders
fire_due_reminders()
"""


def _rapport(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "rapport.cli", *args], env=env, check=True,
                   timeout=180, capture_output=True)  # fmt: skip


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute(sql).fetchall()


def test_sixteen_imports_in_a_row_all_finish_and_reminders_still_fire(tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("first_name,last_name,email\n" + "".join(
        f"Ana{i},Souza,ana{i}@example.com\n" for i in range(40)))  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "RAPPORT_"))}
    env.update(RAPPORT_DATA_DIR=str(tmp_path / "data"), RAPPORT_LOG_LEVEL="WARNING",
               DJANGO_SETTINGS_MODULE="config.settings")  # fmt: skip
    db = tmp_path / "data" / "rapport.sqlite3"
    _rapport(env, "migrate", "--verbosity", "0")
    log = (tmp_path / "worker.log").open("wb")
    # Its own process group, so that the helper processes it forks can be found afterwards
    worker = subprocess.Popen([sys.executable, "-m", "rapport.cli", "worker", "--workers", "2"],
                              env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)  # fmt: skip
    try:
        # Given a worker, when sixteen imports and a due reminder are queued one after another
        _rapport(env, "shell", "-c", SETUP.format(csv=str(csv)))

        # Then every import finishes and the reminder reaches its user
        deadline = time.monotonic() + 120
        statuses: list[tuple[object, ...]] = []
        while time.monotonic() < deadline:
            statuses = _query(db, "SELECT status, COUNT(*) FROM dataio_importjob GROUP BY status")
            notified = _query(db, "SELECT COUNT(*) FROM activities_notification")[0][0]
            if statuses == [("done", IMPORTS)] and notified:
                break
            time.sleep(0.5)
        assert statuses == [("done", IMPORTS)], f"imports stuck: {statuses}"
        messages = _query(db, "SELECT message FROM dataio_importjob")
        assert {m for (m,) in messages} == {
            (
                "Dry run, nothing was saved: 40 created, 0 updated, 0 unchanged, "
                "0 flagged as possible duplicates, 0 rejected."
            )
        }
        assert _query(db, "SELECT COUNT(*) FROM activities_notification") == [(1,)]

        # And the worker stops on SIGTERM, leaving no helper process behind
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        assert _group_gone(worker.pid, timeout=10), "helper processes outlived the worker"
    finally:
        if worker.poll() is None or not _group_gone(worker.pid, timeout=0):
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        log.close()
        if sys.exc_info()[0] is not None:
            print((tmp_path / "worker.log").read_text(errors="replace")[-4000:])


def _group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
