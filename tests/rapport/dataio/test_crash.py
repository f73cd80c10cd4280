"""An import killed with SIGKILL mid-way leaves no partial row; run again, it finishes
the job without duplicating anything. The CLI runs as a real process on a file
SQLite database, and is killed (with its helper process) while batches commit."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROWS = 3000
BATCH = 100
RAPPORT = str(Path(sys.executable).with_name("rapport"))


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "RAPPORT_DATA_DIR": str(data_dir), "RAPPORT_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    return env


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute(sql).fetchall()


def _import(env: dict[str, str], path: Path, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [RAPPORT, "import", "people", str(path), "--quiet", "--workers", "1",
         "--batch-rows", str(BATCH)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip


def test_kill_9_mid_import_then_rerun(tmp_path: Path) -> None:
    # Given a fresh data folder with an admin, and a file of 3,000 people
    data_dir = tmp_path / "data"
    env = _env(data_dir)
    subprocess.run([RAPPORT, "migrate", "-v0"], env=env, check=True)
    subprocess.run([RAPPORT, "user", "create", "--username", "boss", "--role", "admin",
                    "--password-stdin"], input="correct horse battery staple\n", text=True,
                   env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    source = tmp_path / "people.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Email", "Phone", "Company"])
        for i in range(ROWS):
            writer.writerow([f"Ann{i}", "Lee", f"ann{i}@mail.example.com",
                             f"+1 415 555 {i:04d}", f"Org {i % 7}"])  # fmt: skip
    db = data_dir / "rapport.sqlite3"

    # When the import is killed (the process group, helper included) after some batches
    process = _import(env, source)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline:
        rows = _query(db, "SELECT rows_done FROM dataio_importjob") if db.exists() else []
        done = int(rows[0][0]) if rows and rows[0][0] else 0  # type: ignore[call-overload]
        if done >= 3 * BATCH or process.poll() is not None:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < done < ROWS, f"the import was not caught mid-way ({done} rows done)"

    # Then exactly the committed batches are there, each person whole
    (people,) = _query(db, "SELECT COUNT(*) FROM people_person")[0]
    (job_done,) = _query(db, "SELECT rows_done FROM dataio_importjob")[0]
    assert people == job_done and people % BATCH == 0
    (emails,) = _query(db, "SELECT COUNT(*) FROM people_personemail")[0]
    (phones,) = _query(db, "SELECT COUNT(*) FROM people_personphone")[0]
    (audits,) = _query(db, "SELECT COUNT(*) FROM core_auditevent WHERE entity_type = 'person'")[0]
    (links,) = _query(db, "SELECT COUNT(*) FROM people_affiliation")[0]
    assert emails == phones == audits == links == people

    # When it runs again, it resumes and finishes with exact counts
    rerun = _import(env, source)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert "Resuming" in err
    assert _query(db, "SELECT COUNT(*) FROM people_person")[0][0] == ROWS
    assert _query(db, "SELECT COUNT(DISTINCT email) FROM people_personemail")[0][0] == ROWS
    assert _query(db, "SELECT COUNT(*) FROM people_organization")[0][0] == 7
    assert _query(db, "SELECT status, rows_done, created, rejected FROM dataio_importjob")[0] == (
        "done", ROWS, ROWS, 0)  # fmt: skip

    # And a third run of the same file creates nothing
    third = _import(env, source)
    out, err = third.communicate(timeout=300)
    assert third.returncode == 0, err
    assert out.startswith("0 created") and f"{ROWS:,} unchanged" in out
    assert _query(db, "SELECT COUNT(*) FROM people_person")[0][0] == ROWS
