"""docs/development.md lists every periodic job with its module and crontab, and the list
stays true: a job added, moved or rescheduled without its row fails here."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils.module_loading import autodiscover_modules
from huey import crontab
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY

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


def _scheduled() -> dict[str, PeriodicTask]:
    autodiscover_modules("tasks")  # what `rapport worker` (huey's run_huey) does at start
    return {task.name: task for task in HUEY._registry.periodic_tasks}


def _minutes_of_a_week() -> list[dt.datetime]:
    start = dt.datetime(2026, 1, 5)  # a Monday
    return [start + dt.timedelta(minutes=m) for m in range(7 * 24 * 60)]


def test_every_periodic_job_is_documented_with_its_module_and_crontab() -> None:
    # Given the jobs huey runs and the rows of the schedule in docs/development.md
    scheduled, documented = _scheduled(), _documented()
    # Then they name the same jobs, in the same modules
    assert set(documented) == set(scheduled)
    for name, task in scheduled.items():
        module, cron_args = documented[name]
        assert module == type(task).__module__, name
        # And the documented crontab fires at exactly the minutes the job does
        documented_cron = crontab(**cron_args)
        minutes = _minutes_of_a_week()
        fires = [m for m in minutes if task.validate_datetime(m)]
        assert fires == [m for m in minutes if documented_cron(m)], name
