"""``rapport indicators snapshot`` (today's snapshot now, as the nightly job does) and
``rapport indicators list``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rapport.core.indicators import indicators
from rapport.playbooks.services import snapshot_take


class Command(BaseCommand):
    help = "Take today's indicator snapshot, or list the registered indicators."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("snapshot", help="Store today's value of every indicator for every scope.")
        sub.add_parser("list", help="Print every indicator's key, unit and name.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for found in indicators():
                self.stdout.write(f"{found.key}\t{found.unit}\t{found.name}")
            return
        self.stdout.write(snapshot_take().summary())
