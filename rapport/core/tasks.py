"""Background jobs of the core: deliver domain events to their after-commit consumers."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def dispatch_events_task() -> None:
    """Enqueued after each commit that emitted an event a consumer follows."""
    from rapport.core.events import dispatch_events

    dispatch_events()


@db_periodic_task(crontab(minute="*"))
def dispatch_events_periodically() -> None:
    """The same every minute: delivers events whose enqueue was lost (a queue that was
    down at the commit, a worker killed mid-dispatch) and retries failed consumers."""
    from rapport.core.events import dispatch_events

    dispatch_events()
