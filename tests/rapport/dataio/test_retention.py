"""Uploaded import files: owner-only, deleted after the import or after their retention;
the data folder and the SQLite database are owner-only too."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from rapport.dataio.models import ImportJob, JobStatus
from rapport.dataio.retention import purge_old_import_files
from rapport.dataio.services import import_job_create_from_path

pytestmark = pytest.mark.django_db


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("first_name,last_name,email\nAna,Souza,ana@example.com\n")
    return path


def test_an_uploaded_file_is_readable_by_its_owner_only(
    workspace: Any, csv: Path, tmp_path: Path, settings: Any
) -> None:
    default = settings.STORAGES["default"]
    settings.STORAGES = {**settings.STORAGES, "default": {
        **default, "OPTIONS": {**default["OPTIONS"], "location": tmp_path / "media"}}}  # fmt: skip
    job = import_job_create_from_path(actor=workspace.rep, entity="person", path=csv)
    stored = Path(job.file.path)
    assert _mode(stored) == 0o600 and _mode(stored.parent) == 0o700


def test_old_files_go_after_the_retention_and_running_ones_stay(
    workspace: Any, csv: Path, settings: Any
) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "IMPORT_FILE_RETENTION_DAYS": 7}
    old, recent, running = (
        import_job_create_from_path(actor=workspace.rep, entity="person", path=csv)
        for _ in range(3)
    )
    ImportJob.objects.filter(pk__in=[old.pk, running.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    ImportJob.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING)
    paths = {job.pk: Path(job.file.path) for job in (old, recent, running)}

    assert purge_old_import_files() == 1

    assert not paths[old.pk].exists() and paths[recent.pk].exists() and paths[running.pk].exists()
    old.refresh_from_db()
    assert not old.file and "deleted after 7 days" in old.message


def test_the_data_folder_and_the_database_are_for_the_owner_only(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "RAPPORT_"))}
    env.update(RAPPORT_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="config.settings")
    subprocess.run([sys.executable, "-m", "rapport.cli", "migrate", "--verbosity", "0"],
                   env=env, check=True, timeout=300, capture_output=True)  # fmt: skip
    data = tmp_path / "data"
    assert _mode(data) == 0o700
    assert _mode(data / "rapport.sqlite3") == 0o600
    assert _mode(data / "secret_key") & 0o077 == 0
