"""``rapport mail ingest FILE...``: log received messages (.eml) to the people they concern.

``rapport mail poll`` fetches new messages from the IMAP mailbox configured with
RAPPORT_IMAP_* once (the worker does this every minute).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.campaigns.models import InboundSource
from rapport.campaigns.services.imap import poll_configured_mailbox
from rapport.campaigns.services.inbound import ingest


class Command(BaseCommand):
    help = "Log received e-mail: from .eml files (ingest) or the configured IMAP mailbox (poll)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest_parser = sub.add_parser("ingest", help="Log .eml files (or folders of them).")
        ingest_parser.add_argument("paths", nargs="+")
        sub.add_parser("poll", help="Fetch new messages from the IMAP mailbox once.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "poll":
            self.stdout.write(f"{poll_configured_mailbox()} new messages.")
            return
        files: list[Path] = []
        for raw in options["paths"]:
            path = Path(raw)
            if path.is_dir():
                files += sorted(path.glob("*.eml"))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{raw}: no such file or folder")
        new = 0
        for path in files:
            inbound, created = ingest(path.read_bytes(), source=InboundSource.COMMAND)
            new += int(created)
            who = ", ".join(p.full_name for p in inbound.people.all()) or "nobody known"
            self.stdout.write(
                f"{path.name}: {'logged for ' + who if created else 'already logged'}"
            )
        self.stdout.write(f"{len(files)} files, {new} new.")
