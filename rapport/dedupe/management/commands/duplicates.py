"""``rapport duplicates scan [--entity person|organization|all]``: scan the database now.

(``rapport duplicates scan --csv FILE ...`` is the file engine, without Django; the
``rapport`` command sends that form there before Django starts.)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.dedupe.profiles import MATCHED_ENTITIES
from rapport.dedupe.scan import scan_run
from rapport.dedupe.services import scan_request


class Command(BaseCommand):
    help = "Find duplicate people and organisations in the database and store them for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["scan"])
        parser.add_argument(
            "--entity", choices=["person", "organization", "all"], default="all",
            help="What to scan (default: both).",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        entities = MATCHED_ENTITIES if options["entity"] == "all" else [options["entity"]]
        for entity in entities:
            run = scan_request(entity=entity, requested_by=None)
            if run.status != "queued":
                raise CommandError(f"A {entity} scan is already running (scan {run.pk}).")
            self.stdout.write(f"Scanning {entity} records…")
            run = scan_run(run.pk, progress=lambda message: self.stdout.write(f"  {message}"))
            self.stdout.write(
                f"{entity}: {run.records:,} records, {run.candidates:,} candidate pairs, "
                f"{run.pairs:,} duplicate pairs in {run.clusters:,} clusters to review."
            )
