"""Background jobs: scans on demand and every night. Each takes ids and calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rapport.dedupe.profiles import MATCHED_ENTITIES
from rapport.dedupe.scan import scan_run
from rapport.dedupe.services import scan_request


@db_task()
def run_scan(run_id: int) -> None:
    scan_run(run_id)


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_scans() -> None:
    for entity in MATCHED_ENTITIES:
        run = scan_request(entity=entity, requested_by=None)
        scan_run(run.pk)
