"""``rapport user create --username U --role R [--team T] [--password-stdin]``."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.accounts.models import Role
from rapport.accounts.services import team_get_or_create, user_create
from rapport.core.errors import RapportError


class Command(BaseCommand):
    help = "Manage users."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a user (prints a generated password once).")
        create.add_argument("--username", required=True)
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--team", action="append", default=[], help="Team name (repeatable).")
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password on standard input.")
        try:
            teams = [team_get_or_create(name=t) for t in options["team"]]
            user, generated = user_create(
                username=options["username"], role=options["role"], password=password,
                email=options["email"], teams=teams,
            )  # fmt: skip
        except RapportError as exc:
            raise CommandError(_message(exc)) from exc
        self.stdout.write(
            f"Created {user.role} {user.username}"
            + (f" in {', '.join(t.name for t in teams)}" if teams else "")
        )
        if generated:
            self.stdout.write(f"Password (shown once): {generated}")


def _message(exc: RapportError) -> str:
    if isinstance(exc.detail, dict):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.detail.items())
    return str(exc.detail)
