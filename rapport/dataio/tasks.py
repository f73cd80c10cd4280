"""Background jobs: run an import; resume imports whose worker died."""

from __future__ import annotations

import os

from huey.contrib.djhuey import HUEY, db_task

from rapport.core.schedule import scheduled
from rapport.dataio.models import ImportJob, JobStatus


def _helpers() -> int:
    # One helper process cleans rows while this one writes, when there is a core to spare
    # (not when jobs run inline, as in tests).
    return 1 if (os.cpu_count() or 1) > 1 and not HUEY.immediate else 0


@db_task()
def run_import_task(job_id: int) -> None:
    from rapport.dataio.engine.runner import run_import

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and not job.is_finished:
        run_import(job, workers=_helpers())


@scheduled
def resume_stalled_imports() -> None:
    """A worker killed mid-import leaves its job 'running': pick it up where it stopped."""
    from rapport.dataio.engine.runner import runner_alive

    for job in ImportJob.objects.filter(status=JobStatus.RUNNING):
        if job.runner and not runner_alive(job.runner):
            run_import_task(job.pk)


@scheduled
def purge_old_import_files() -> None:
    """Uploaded files of imports that failed or never ran, past their retention."""
    from rapport.dataio.retention import purge_old_import_files as purge

    purge()
