"""The password-reset mail goes out through the real worker: ``rapport worker`` as its own process.

Like tests/rapport/activities/test_real_worker.py, this runs Rapport end to end on a
data folder of its own (file SQLite and huey's SQLite queue in ``tmp_path``), so it
never touches the test database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.rapport.campaigns.conftest import start_sink

pytestmark = [pytest.mark.real_worker, pytest.mark.slow]

SETUP = """
from rapport.accounts.services import user_create
user_create(username="rita", role="rep", password="correct horse battery staple",
            email="rita@example.com")
"""
ASK = """
from django.test import Client
client = Client(HTTP_HOST="localhost")
for email in ("rita@example.com", "nobody@example.com"):
    answer = client.post("/accounts/password/reset/", {"email": email})
    assert answer.status_code == 302, answer.status_code
"""


def _rapport(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "rapport.cli", *args], env=env, check=True,
                   timeout=120, capture_output=True)  # fmt: skip


def test_the_worker_sends_the_reset_mail_the_page_queued(tmp_path: Path) -> None:
    sink, smtp = start_sink()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "RAPPORT_"))}
    env.update(RAPPORT_DATA_DIR=str(tmp_path), RAPPORT_EMAIL_HOST="127.0.0.1",
               RAPPORT_EMAIL_PORT=str(sink.port), RAPPORT_BASE_URL="https://crm.example.com",
               DJANGO_SETTINGS_MODULE="config.settings")  # fmt: skip
    worker: Any = None
    try:
        _rapport(env, "migrate", "--verbosity", "0")
        _rapport(env, "shell", "-c", SETUP)
        # Given the page was asked for a known and an unknown address, with no worker running
        _rapport(env, "shell", "-c", ASK)
        time.sleep(0.5)
        assert sink.received == []  # the requests sent nothing themselves
        # When the worker starts
        worker = subprocess.Popen([sys.executable, "-m", "rapport.cli", "worker", "--workers", "2"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
        deadline = time.monotonic() + 45
        while not sink.received and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(1.5)  # room for a wrong second mail to arrive
        # Then it sends the one mail there is to send, with a link to the workspace
        assert [m.rcpt_tos for m in sink.received] == [["rita@example.com"]]
        assert "https://crm.example.com/accounts/password/reset/" in sink.received[0].text()
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
