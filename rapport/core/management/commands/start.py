"""``rapport start``: everything a first run needs, then serve (what ``make run`` calls)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from rapport.accounts.models import Role, User
from rapport.accounts.services import user_create
from rapport.people.models import Person


class Command(BaseCommand):
    help = "Migrate, load demo data into an empty database, create an admin, and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="Start with an empty database.")
        parser.add_argument("--no-serve", action="store_true", help="Set up, then exit.")
        parser.add_argument(
            "--no-worker", action="store_true", help="Serve without the background worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        if not User.objects.filter(role=Role.ADMIN).exists():
            user, password = user_create(username="admin", role=Role.ADMIN)
            self.stdout.write(self.style.SUCCESS("Created the first admin account (shown once):"))
            self.stdout.write(f"  user name: {user.username}\n  password:  {password}")
        if not options["no_demo"] and not Person.objects.exists():
            call_command("demo", verbosity=1)
        if not options["no_serve"]:
            # The background worker (reminders, e-mail, campaigns) runs beside the server
            # as a child process and stops with it, so one command brings up everything.
            worker = None
            if not options["no_worker"]:
                worker = subprocess.Popen([sys.executable, "-m", "rapport.cli", "worker"])
            try:
                call_command("serve", host=options["host"], port=options["port"])
            finally:
                if worker is not None:
                    worker.terminate()
                    try:
                        worker.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        worker.kill()
