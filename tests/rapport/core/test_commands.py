"""The ``rapport`` command: users, tokens, demo data, checks, first start."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.accounts.models import ApiToken, Role, User
from rapport.accounts.services import token_authenticate
from rapport.people.models import Organization, Person

ROOT = Path(__file__).resolve().parents[3]
RAPPORT = str(Path(sys.executable).parent / "rapport")


@pytest.mark.django_db
def test_user_create_with_team_and_generated_password() -> None:
    out = io.StringIO()
    call_command(
        "user", "create", "--username", "nora", "--role", "rep", "--team", "North", stdout=out
    )
    user = User.objects.get(username="nora")
    assert user.role == Role.REP and [t.name for t in user.teams.all()] == ["North"]
    password = out.getvalue().split("Password (shown once): ")[1].strip()
    assert user.check_password(password)


@pytest.mark.django_db
def test_user_create_reads_password_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    out = io.StringIO()
    call_command(
        "user", "create", "--username", "olga", "--role", "viewer", "--password-stdin", stdout=out
    )
    assert User.objects.get(username="olga").check_password("a long enough passphrase")
    assert "a long enough passphrase" not in out.getvalue()


@pytest.mark.django_db
def test_user_create_rejects_a_weak_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="password"):
        call_command("user", "create", "--username", "weak", "--role", "rep", "--password-stdin")
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_token_create_prints_a_working_token_once(workspace: Any) -> None:
    out = io.StringIO()
    call_command(
        "token",
        "create",
        "--user",
        "rick",
        "--name",
        "import script",
        stdout=out,
        stderr=io.StringIO(),
    )
    secret = out.getvalue().strip()
    token = token_authenticate(secret=secret)
    assert token is not None and token.user == workspace.rep and token.name == "import script"
    assert ApiToken.objects.filter(user=workspace.rep).count() == 1
    with pytest.raises(CommandError):
        call_command("token", "create", "--user", "nobody")


@pytest.mark.django_db
def test_demo_builds_a_believable_business() -> None:
    out = io.StringIO()
    call_command("demo", "--people", "300", stdout=out)
    assert "Demo data: 300 people, 45 organisations, 2 teams." in out.getvalue()
    # Feature apps may add a few people of their own (e.g. likely duplicates to review).
    assert 300 <= Person.objects.count() <= 330
    assert Organization.objects.count() == 45
    assert User.objects.filter(role=Role.MANAGER).count() == 2
    # The playbook has today's indicator snapshot to show, with scored customers.
    from rapport.playbooks.models import IndicatorSnapshot

    scored = IndicatorSnapshot.objects.get(
        indicator="differentiate.scored_share", scope_kind="workspace"
    )
    assert scored.value == 1.0
    # Every demo phone is valid E.164 and every person is findable by e-mail.
    from rapport.people.normalize import normalize_phone
    from rapport.people.search import apply_search

    for person in Person.objects.all()[:50]:
        assert normalize_phone(person.phone) == person.phone
        assert apply_search(Person.objects.all(), person.email).filter(pk=person.pk).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAPPORT_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(RAPPORT_DATA_DIR=str(tmp_path / "data"), **extra)
    return env


def test_check_deploy_passes_under_production_settings(tmp_path: Path) -> None:
    # Given production settings (served over HTTPS, DEBUG off)
    env = _env(tmp_path, RAPPORT_HTTPS="true", RAPPORT_ALLOWED_HOSTS="crm.example.com")
    # When Django's deployment checks run at warning level
    result = subprocess.run(
        [RAPPORT, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    # Then nothing is reported
    assert result.returncode == 0, result.stdout + result.stderr


def test_start_sets_up_and_serves_with_a_production_server(tmp_path: Path) -> None:
    # Given a fresh data folder
    port = _free_port()
    env = _env(tmp_path)
    # When Rapport starts for the first time
    proc = subprocess.Popen(
        [RAPPORT, "start", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = resp.read()
                    break
            except OSError:
                time.sleep(0.5)
        # Then it answers health checks and redirects anonymous users to the login page
        assert b'"ok"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
            assert "/accounts/login/" in resp.url
            assert resp.headers["X-Frame-Options"] == "DENY"
        # And static files are served, compressed and versioned, without DEBUG
        css = next((tmp_path / "data" / "static" / "css").glob("rapport.*.css"), None)
        if css is not None:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/static/css/{css.name}", timeout=5
            ) as resp:
                assert resp.status == 200
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    # And the first run printed the admin's password once, generated a secret key, and loaded demo data
    assert "user name: admin" in output and "password:" in output
    assert (tmp_path / "data" / "secret_key").exists()
    assert "Demo data: 2,000 people" in output
    assert "gunicorn" in output.lower() or "Booting worker" in output


def test_cli_reports_configuration_errors_clearly(tmp_path: Path) -> None:
    env = _env(tmp_path, RAPPORT_DEBUG="perhaps")
    result = subprocess.run(
        [RAPPORT, "check"], env=env, capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 2
    assert "RAPPORT_DEBUG must be true or false" in result.stderr
