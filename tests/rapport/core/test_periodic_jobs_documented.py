"""rapport/core/schedule.py lists every periodic job with its module and crontab; huey
runs exactly those jobs at exactly those minutes, and docs/development.md's table says
the same: a job added, moved or rescheduled in one place and not the others fails here."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules
from huey import crontab
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY

from rapport.core.schedule import SCHEDULE, scheduled

DOC = Path(__file__).resolve().parents[3] / "docs" / "development.md"
ROW = re.compile(r"^\| `(?P<name>\w+)` \| `(?P<module>[\w/]+)\.py` \| (?P<cron>[^|]*) \|")
CRON_ARG = re.compile(r'(minute|hour|day|month|day_of_week)="([^"]*)"')


def _documented() -> dict[str, tuple[str, dict[str, str]]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Periodic jobs", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            module = match["module"].replace("/", ".")
            rows[match["name"]] = (module, dict(CRON_ARG.findall(match["cron"])))
    return rows


def _registered() -> dict[str, PeriodicTask]:
    autodiscover_modules("tasks")  # what `rapport worker` (huey's run_huey) does at start
    return {task.name: task for task in HUEY._registry.periodic_tasks}


def _minutes_of_a_week() -> list[dt.datetime]:
    start = dt.datetime(2026, 1, 5)  # a Monday
    return [start + dt.timedelta(minutes=m) for m in range(7 * 24 * 60)]


def test_huey_runs_the_scheduled_jobs_at_their_minutes_with_their_retries() -> None:
    # Given the jobs huey registered from the tasks modules
    registered = _registered()
    # Then they are the jobs of the schedule, each from its listed module
    assert set(registered) == set(SCHEDULE)
    minutes = _minutes_of_a_week()
    for name, job in SCHEDULE.items():
        task = registered[name]
        assert type(task).__module__ == job.module, name
        # And each fires at exactly the minutes of its listed crontab, retried as listed
        cron = crontab(**job.cron)
        assert [m for m in minutes if task.validate_datetime(m)] == [
            m for m in minutes if cron(m)
        ], name
        assert (task.retries, task.retry_delay, task.retry_backoff) == (
            job.retries, job.retry_delay, job.retry_backoff,
        ), name  # fmt: skip


def test_every_scheduled_job_is_documented_with_its_module_and_crontab() -> None:
    # Given the schedule and the rows of the table in docs/development.md
    documented = _documented()
    # Then they name the same jobs, in the same modules, with the same crontab arguments
    assert set(documented) == set(SCHEDULE)
    for name, job in SCHEDULE.items():
        assert documented[name] == (job.module, dict(job.cron)), name


def test_a_job_missing_from_the_schedule_cannot_be_scheduled() -> None:
    def unlisted_job() -> None: ...

    with pytest.raises(ImproperlyConfigured, match="unlisted_job is not listed"):
        scheduled(unlisted_job)
    assert "unlisted_job" not in {task.name for task in HUEY._registry.periodic_tasks}
