"""``rapport worker``: the background job consumer (reminders, e-mail, campaigns, imports…)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the huey consumer: every app's background jobs and the every-minute schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers", type=int, default=min(4, max(2, os.cpu_count() or 1)),
            help="Jobs run at once (threads). Default: the number of cores, 2 to 4.",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        self.stdout.write(
            f"Rapport worker: {options['workers']} threads, queue {settings.HUEY.get('huey_class')}"
        )
        # Threads suit jobs that wait on SMTP, IMAP and the database. The scheduler wakes
        # each second so periodic jobs start on the minute; -c (health check) restarts
        # a worker thread that died. Backoff is per job (retries, retry_delay).
        call_command(
            "run_huey", workers=options["workers"], worker_type="thread", scheduler_interval=1,
            verbosity=options.get("verbosity", 1),
        )  # fmt: skip
