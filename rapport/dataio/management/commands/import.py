"""rapport import people|organisations FILE [--map COLUMN=FIELD ...] [--key ...] [--dry-run]
[--errors OUT.csv]: the same import as the page, run in this process with a progress bar.

Killed half-way (even with kill -9), the same command run again resumes the job
after its last committed batch.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.accounts.models import Role, User
from rapport.core.errors import RapportError
from rapport.dataio.engine.runner import mapping_problems, run_import
from rapport.dataio.fields import KEYS, parse_map_options
from rapport.dataio.models import ImportJob, JobStatus
from rapport.dataio.readers import FileProblem, open_table
from rapport.dataio.services import (
    DEFAULT_KEYS,
    import_job_create_from_path,
    issues_csv,
    resumable_job,
    sha256_of,
)

ENTITIES = {"people": "person", "persons": "person", "organisations": "organization",
            "organizations": "organization"}  # fmt: skip


class Command(BaseCommand):
    help = "Import people or organisations from a CSV, XLSX or vCard file."
    # Django's system checks load every URL and model check first: seconds, for nothing here.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity", choices=sorted(ENTITIES))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Map a column to a field (FIELD empty to skip the column).",
        )
        parser.add_argument(
            "--key",
            help="Match existing records by: email, phone or external_id "
            "(people); domain, external_id or name (organisations).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, save nothing."
        )
        parser.add_argument(
            "--errors", type=Path, metavar="OUT.csv", help="Write rejected and flagged rows here."
        )
        parser.add_argument("--user", help="Import as this user (default: the first admin).")
        parser.add_argument(
            "--source", default="import", help="Name of the system the external ids come from."
        )
        parser.add_argument("--region", default="", help="Country for phones without a code.")
        parser.add_argument("--delimiter", default="", help="CSV delimiter (detected if omitted).")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Helper processes cleaning rows beside the writer (0: none).",
        )
        parser.add_argument(
            "--batch-rows",
            type=int,
            default=None,
            help="Rows written per transaction (default: 5,000, up to 25,000 for big files).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        entity = ENTITIES[options["entity"]]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        actor = self._actor(options["user"])
        key = options["key"] or DEFAULT_KEYS[entity]
        if key not in KEYS[entity]:
            raise CommandError(f"--key must be one of: {', '.join(KEYS[entity])}.")
        limit = int(settings.RAPPORT["IMPORT_MAX_FIELD_CHARS"])
        try:
            headers = open_table(
                path, max_field_chars=limit, delimiter=options["delimiter"]
            ).headers
            mapping = parse_map_options(options["map"], headers, entity)
        except (FileProblem, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        job = None
        if not options["dry_run"]:
            job = resumable_job(actor=actor, entity=entity, sha256=sha256_of(path),
                                mapping=mapping, key=key, source=options["source"])  # fmt: skip
        if job is not None:
            self.stderr.write(f"Resuming import {job.pk}: {job.rows_done:,} rows were done.")
        else:
            job = self._new_job(actor, entity, path, mapping, key, options)
        started = time.monotonic()
        run_import(job, progress=None if options["quiet"] else self._bar(started),
                   workers=max(0, options["workers"]), batch_rows=options["batch_rows"])  # fmt: skip
        job.refresh_from_db()
        if not options["quiet"]:
            self.stderr.write("")
        if options["errors"] is not None:
            options["errors"].write_text(issues_csv(job), encoding="utf-8")
        if job.status != JobStatus.DONE:
            raise CommandError(job.message or "The import did not finish.")
        elapsed = time.monotonic() - started
        self.stdout.write(f"{job.message} ({job.rows_done:,} rows in {elapsed:,.1f} s)")

    def _actor(self, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        actor = (users.filter(username=username) if username else
                 users.filter(role=Role.ADMIN).order_by("pk")).first()  # fmt: skip
        if actor is None:
            raise CommandError(f"No active user {username!r}." if username else
                               "No admin yet: create one with `rapport user create`.")  # fmt: skip
        return actor

    def _new_job(self, actor: User, entity: str, path: Path, mapping: dict[str, str], key: str,
                 options: dict[str, Any]) -> ImportJob:  # fmt: skip
        try:
            job = import_job_create_from_path(actor=actor, entity=entity, path=path)
        except RapportError as exc:
            raise CommandError(str(exc.detail)) from exc
        job.mapping, job.key, job.source = mapping, key, options["source"]
        job.dry_run, job.delimiter = options["dry_run"], options["delimiter"]
        job.region = (options["region"] or job.region).upper()
        problems = mapping_problems(job, list(mapping))
        if problems:
            job.file.delete(save=False)
            job.delete()
            raise CommandError(" ".join(problems) + " Use --map COLUMN=FIELD.")
        job.status = JobStatus.QUEUED
        job.save()
        return job

    def _bar(self, started: float) -> Any:
        def show(job: ImportJob) -> None:
            total = job.rows_total or 0
            done = job.rows_done
            filled = int(30 * done / total) if total else 30
            rate = done / max(time.monotonic() - started, 1e-6)
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} rows "
                f"({rate:,.0f}/s) created {job.created:,} updated {job.updated:,} "
                f"rejected {job.rejected:,}"
            )
            sys.stderr.flush()

        return show
