"""Background jobs of the core: deliver domain events to their after-commit consumers."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from rapport.core.schedule import scheduled


@db_task()
def dispatch_events_task() -> None:
    """Enqueued after each commit that emitted an event a consumer follows."""
    from rapport.core.events import dispatch_events

    dispatch_events()


@scheduled
def dispatch_events_periodically() -> None:
    """The same every minute: delivers events whose enqueue was lost (a queue that was
    down at the commit, a worker killed mid-dispatch) and retries failed consumers."""
    from rapport.core.events import dispatch_events

    dispatch_events()
