"""Rate limits hold across server processes: two real processes share one count.

gunicorn runs several workers; a limit each of them counts alone lets through
workers × limit. These tests start separate Python processes that count against the
same limit and check that, together, they are held to it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

from rapport.core.ratelimit import rate_hit, rate_peek, rate_reset

ROOT = Path(__file__).resolve().parents[3]

# Each process counts ``hits`` against the API limit (or asks for password resets) and
# prints how many it was refused.
SCRIPT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
what, hits = sys.argv[1], int(sys.argv[2])
refused = 0
if what == "api":
    from rapport.api.ratelimit import RateLimited, enforce_rate_limit
    for _ in range(hits):
        try:
            enforce_rate_limit("token:shared")
        except RateLimited:
            refused += 1
else:
    from rapport.accounts.password_reset import _allowed
    refused = sum(not _allowed("Rita@Example.com") for _ in range(hits))
print(refused)
"""


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RAPPORT_DATA_DIR"] = str(django_settings.DATA_DIR)
    if connection.vendor == "postgresql":  # the test database, where this test committed
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
    env.update(extra)
    return env


def _run_two_processes(what: str, hits: int, **extra: str) -> list[int]:
    if what == "api" and time.time() % 60 > 50:  # both must count in the same minute
        time.sleep(61 - time.time() % 60)
    env = _environment(**extra)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, what, str(hits)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    refused = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        refused.append(int(out.strip().splitlines()[-1]))
    return refused


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_api_allowance() -> None:
    # Given a limit of 60 requests a minute, when two server processes each take 40
    refused = _run_two_processes("api", 40, RAPPORT_API_RATE_LIMIT="60")
    # then together they were let through 60 times, not 80
    assert sum(refused) == 20
    assert rate_peek("api:token:shared", window_seconds=60) == 80


@pytest.mark.django_db(transaction=True)
def test_the_password_reset_cap_holds_across_processes() -> None:
    # Two processes each asked for five resets of one address (in any case): three mails
    refused = _run_two_processes("reset", 5)
    assert sum(refused) == 7


@pytest.mark.django_db
def test_a_counter_starts_again_in_the_next_window() -> None:
    start = 1_700_000_000 // 60 * 60 + 1.0
    assert [rate_hit("b", window_seconds=60, now=start + i) for i in range(3)] == [1, 2, 3]
    assert rate_peek("b", window_seconds=60, now=start + 3) == 3
    assert rate_hit("b", window_seconds=60, now=start + 60) == 1
    assert rate_peek("other", window_seconds=60, now=start) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(settings: Any, tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("Debian's redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    settings.RAPPORT = {**settings.RAPPORT, "REDIS_URL": url}
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.django_db
def test_with_redis_configured_processes_count_in_redis(redis_url: str) -> None:
    rate_reset()
    refused = _run_two_processes(
        "api", 40, RAPPORT_API_RATE_LIMIT="60", RAPPORT_REDIS_URL=redis_url
    )
    assert sum(refused) == 20
    assert rate_peek("api:token:shared", window_seconds=60) == 80


@pytest.mark.django_db
def test_where_the_counters_live_writes_no_log_to_wait_for() -> None:
    from rapport.core.ratelimit import _store

    store = _store()
    if connection.vendor == "postgresql":
        # An UNLOGGED table: bumping a counter commits without a WAL flush.
        with connection.cursor() as cursor:
            cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'core_ratecounter'")
            assert cursor.fetchone() == ("u",)
    else:
        # A file of its own beside the database, written without fsync.
        assert type(store).__name__ == "_SidecarStore"
        with store.cursor() as cursor:
            cursor.execute("PRAGMA synchronous", ())
            assert cursor.fetchall() == [(0,)]
