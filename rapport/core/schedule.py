"""Every periodic job and when it runs: the one place to read or change the schedule.

A job is a function in its app's ``tasks.py`` marked ``@scheduled``; the decorator
registers it with huey using the crontab and retry options listed here under the
function's name, so a schedule cannot be set anywhere else. huey matches the crontabs
against UTC (its default; ``config/settings.py: HUEY`` keeps it).
``tests/rapport/core/test_periodic_jobs_documented.py`` checks that this list, the jobs
huey runs and the table in docs/development.md name the same jobs at the same minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from huey import crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import db_periodic_task


@dataclass(frozen=True)
class PeriodicJob:
    module: str  # the tasks module that defines the job's function
    cron: Mapping[str, str]  # huey.crontab() arguments
    retries: int = 0
    retry_delay: int = 0  # seconds before the first retry
    retry_backoff: float = 0  # each further retry waits this many times longer (0: no growth)


SCHEDULE: dict[str, PeriodicJob] = {
    "fire_due_reminders": PeriodicJob(
        "rapport.activities.tasks", {"minute": "*"}, retries=2, retry_delay=5, retry_backoff=2
    ),
    "campaigns_tick": PeriodicJob("rapport.campaigns.tasks", {"minute": "*"}),
    "poll_mailbox": PeriodicJob("rapport.campaigns.tasks", {"minute": "*"}),
    "dispatch_events_periodically": PeriodicJob("rapport.core.tasks", {"minute": "*"}),
    "resume_stalled_imports": PeriodicJob("rapport.dataio.tasks", {"minute": "*/2"}),
    "purge_old_import_files": PeriodicJob("rapport.dataio.tasks", {"minute": "17"}),
    "nightly_scans": PeriodicJob("rapport.dedupe.tasks", {"hour": "2", "minute": "30"}),
    "nightly_recompute": PeriodicJob("rapport.insights.tasks", {"hour": "3", "minute": "15"}),
    "nightly_indicator_snapshot": PeriodicJob(
        "rapport.playbooks.tasks", {"hour": "4", "minute": "10"}
    ),
}


def scheduled(func: Callable[[], Any]) -> TaskWrapper:
    """Register ``func`` as the periodic job ``SCHEDULE`` lists under its name."""
    job = SCHEDULE.get(func.__name__)
    if job is None or job.module != func.__module__:
        raise ImproperlyConfigured(
            f"{func.__module__}.{func.__name__} is not listed in rapport/core/schedule.py."
        )
    decorate = db_periodic_task(
        crontab(**job.cron),
        retries=job.retries,
        retry_delay=job.retry_delay,
        retry_backoff=job.retry_backoff,
    )
    task: TaskWrapper = decorate(func)
    return task
