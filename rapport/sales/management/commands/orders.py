"""``rapport orders import FILE [--customer-key email|external_id|person_id] [--dry-run]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.accounts.models import User
from rapport.core.errors import RapportError
from rapport.sales.imports import CUSTOMER_KEYS, import_orders


class Command(BaseCommand):
    help = "Import orders from a CSV file (idempotent on the external_ref column)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Import orders from a CSV file with a header row.")
        load.add_argument("file")
        load.add_argument("--customer-key", choices=CUSTOMER_KEYS, default="email")
        load.add_argument("--source", default="csv", help="Where the orders come from.")
        load.add_argument("--currency", default="EUR", help="For rows without a currency.")
        load.add_argument("--user", help="Import as this user (their access applies).")
        load.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user named {options['user']!r}.")
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                report = import_orders(
                    handle,
                    user=user,
                    customer_key=options["customer_key"],
                    source=options["source"],
                    default_currency=options["currency"].upper(),
                    dry_run=options["dry_run"],
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        except RapportError as exc:
            raise CommandError(str(exc.detail)) from exc
        for problem in report.problems:
            self.stderr.write(f"{options['file']}: {problem}")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
