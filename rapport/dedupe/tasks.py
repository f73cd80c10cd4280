"""Background jobs: scans on demand and every night. Each takes ids and calls one service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from rapport.core.schedule import scheduled
from rapport.dedupe.profiles import MATCHED_ENTITIES
from rapport.dedupe.scan import scan_run
from rapport.dedupe.services import scan_request


@db_task()
def run_scan(run_id: int) -> None:
    scan_run(run_id)


@scheduled
def nightly_scans() -> None:
    for entity in MATCHED_ENTITIES:
        run = scan_request(entity=entity, requested_by=None)
        scan_run(run.pk)
