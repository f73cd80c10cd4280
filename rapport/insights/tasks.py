"""Background jobs for the value models: nightly, and on a manager's "Recompute now"."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from rapport.core.schedule import scheduled
from rapport.insights.models import ModelRun, RunStatus
from rapport.insights.recompute import insights_recompute


@db_task()
def recompute_run(run_id: int) -> str:
    """Run a queued recompute. Safe to run twice: a run that already started is left alone."""
    claimed = ModelRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING
    )
    if not claimed:
        return "skipped"
    run = ModelRun.objects.get(pk=run_id)
    return str(insights_recompute(triggered_by=run.triggered_by, run=run).status)


@scheduled
def nightly_recompute() -> str:
    """Every night, after the day's orders are in: refit and rescore every customer."""
    if ModelRun.objects.filter(status=RunStatus.RUNNING).exists():
        return "skipped"
    return str(insights_recompute(triggered_by=None).status)
