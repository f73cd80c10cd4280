"""Configuration comes only from the environment, parsed strictly."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from config import env


def test_secret_key_is_generated_once_into_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an empty data folder and no key in the environment
    monkeypatch.delenv("RAPPORT_SECRET_KEY", raising=False)
    monkeypatch.setenv("RAPPORT_DATA_DIR", str(tmp_path / "data"))
    # When the environment is loaded twice
    first = env.load()
    second = env.load()
    # Then one key was generated, kept private, and reused
    key_file = tmp_path / "data" / "secret_key"
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 50
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_key_from_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RAPPORT_SECRET_KEY", "k" * 60)
    assert env.load().secret_key == "k" * 60
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RAPPORT_DEBUG", "maybe", "true or false"),
        ("RAPPORT_EMAIL_PORT", "twenty-five", "whole number"),
        ("RAPPORT_EMAIL_TIMEOUT", "30s", "whole number"),
        ("RAPPORT_DEFAULT_PHONE_REGION", "Britain", "two-letter"),
    ],
)
def test_malformed_settings_fail_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv("RAPPORT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(name, value)
    with pytest.raises(env.ConfigurationError, match=message):
        env.load()


def test_lists_are_comma_separated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RAPPORT_ALLOWED_HOSTS", "crm.example.com, 10.0.0.5")
    assert env.load().allowed_hosts == ["crm.example.com", "10.0.0.5"]


def test_no_other_module_reads_the_environment() -> None:
    # The style rule "one module reads the environment", checked over the source tree.
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [
        *root.glob("rapport/**/*.py"),
        *root.glob("config/*.py"),
        *root.glob("rapport_analytics/**/*.py"),
    ]:
        text = path.read_text(encoding="utf-8")
        if ("os.environ" in text or "os.getenv" in text) and path.name not in {
            "env.py",
            "wsgi.py",
            "cli.py",
        }:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
