"""Import jobs: upload, preview, configure, start (in the worker) and resume."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File

from rapport.accounts.access import require_writer
from rapport.accounts.models import User
from rapport.core.errors import NotFound, PermissionDenied, ValidationFailed
from rapport.dataio.engine.runner import mapping_problems, open_job_table
from rapport.dataio.fields import KEYS, fields_for, suggest_mapping
from rapport.dataio.models import ImportJob, JobStatus
from rapport.dataio.readers import FileProblem, detect_format

PREVIEW_ROWS = 5
DEFAULT_KEYS = {"person": "email", "organization": "domain"}


def _max_bytes() -> int:
    return int(settings.RAPPORT["IMPORT_MAX_BYTES"])


def _sha256(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def import_job_create(*, actor: User, entity: str, handle: IO[bytes], name: str, size: int
                      ) -> ImportJob:  # fmt: skip
    """Store an uploaded file and read its header; the mapping is chosen next."""
    require_writer(actor)
    if entity not in KEYS:  # the kinds of record the import knows
        raise ValidationFailed({"entity": ["Import people or organisations."]})
    if size == 0:
        raise ValidationFailed({"file": ["The file is empty."]})
    if size > _max_bytes():
        raise ValidationFailed({"file": [
            f"The file is {size / 1e6:,.1f} MB; the limit is {_max_bytes() / 1e6:,.0f} MB "
            "(RAPPORT_IMPORT_MAX_MB). Split it into smaller files."]})  # fmt: skip
    job = ImportJob(entity=entity, original_name=Path(name).name[:255] or "import",
                    file_sha256=_sha256(handle), created_by=actor,
                    region=str(settings.RAPPORT["DEFAULT_PHONE_REGION"]))  # fmt: skip
    job.file.save(Path(name).name or "import.csv", File(handle), save=False)
    job.file_format = detect_format(Path(job.file.path), name)
    try:
        table = open_job_table(job)
        headers = table.headers
    except FileProblem as exc:
        job.file.delete(save=False)
        raise ValidationFailed({"file": [str(exc)]}) from exc
    job.key = DEFAULT_KEYS[entity]
    job.mapping = suggest_mapping(headers, entity)
    job.save()
    return job


def import_job_create_from_path(*, actor: User, entity: str, path: Path) -> ImportJob:
    with path.open("rb") as handle:
        return import_job_create(actor=actor, entity=entity, handle=handle, name=path.name,
                                 size=path.stat().st_size)  # fmt: skip


@dataclass
class Preview:
    headers: list[str]
    rows: list[list[str]]
    format: str
    encoding: str
    delimiter: str


def import_preview(job: ImportJob) -> Preview:
    try:
        table = open_job_table(job)
    except FileProblem as exc:
        raise ValidationFailed({"file": [str(exc)]}) from exc
    rows = [r.cells for r in islice(table.rows, PREVIEW_ROWS)]
    close = getattr(table.rows, "close", None)
    if close is not None:
        close()  # let the reader close its file now
    return Preview(table.headers, rows, table.format, table.encoding, table.delimiter)


def import_job_for(*, user: User, pk: int) -> ImportJob:
    """A job the user may see: their own, or any job for an admin."""
    job = ImportJob.objects.filter(pk=pk).select_related("created_by").first()
    if job is None or (job.created_by_id != user.pk and not user.is_admin):
        raise NotFound("No such import.")
    return job


def import_job_configure(*, actor: User, job: ImportJob, data: Mapping[str, Any]) -> ImportJob:
    """Set the mapping (column → field), the key, dry run, source and phone region."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied("Only the person who uploaded the file can start this import.")
    if job.status not in (JobStatus.UPLOADED, JobStatus.DONE) or (
        job.status == JobStatus.DONE and not job.dry_run
    ):
        raise ValidationFailed({"status": ["This import has already run."]})
    errors: dict[str, list[str]] = {}
    headers = open_job_table(job).headers
    known = fields_for(job.entity)
    mapping = {h: str(data.get("mapping", {}).get(h, "") or "") for h in headers}
    bad = sorted({f for f in mapping.values() if f and f not in known})
    if bad:
        errors["mapping"] = [f"Unknown fields: {', '.join(bad)}."]
    key = str(data.get("key", job.key) or "")
    if key not in KEYS[job.entity]:
        errors["key"] = [f"Choose one of: {', '.join(KEYS[job.entity])}."]
    source = str(data.get("source", job.source) or "import").strip()[:50]
    region = str(data.get("region", job.region) or "").strip().upper()
    if region and (len(region) != 2 or not region.isalpha()):
        errors["region"] = ["Use a two-letter country code, e.g. US or GB."]
    if errors:
        raise ValidationFailed(errors)
    job.mapping, job.key, job.source, job.region = mapping, key, source, region
    job.dry_run = bool(data.get("dry_run", False))
    problems = mapping_problems(job, headers)
    if problems:
        raise ValidationFailed({"mapping": problems})
    _reset(job)
    job.save()
    return job


def _reset(job: ImportJob) -> None:
    """A dry run's results make way for the next run."""
    job.issues.all().delete()
    job.status, job.rows_done, job.message, job.runner = JobStatus.UPLOADED, 0, "", ""
    job.created = job.updated = job.unchanged = job.flagged = job.rejected = 0
    job.started_at = job.finished_at = None


def import_job_start(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue the job for the background worker."""
    from rapport.dataio.tasks import run_import_task

    if job.created_by_id != actor.pk:
        raise PermissionDenied("Only the person who uploaded the file can start this import.")
    if job.status != JobStatus.UPLOADED:
        raise ValidationFailed({"status": ["This import is already running or done."]})
    job.status = JobStatus.QUEUED
    job.save(update_fields=["status"])
    run_import_task(job.pk)
    return job


def resumable_job(*, actor: User, entity: str, sha256: str, mapping: Mapping[str, str], key: str,
                  source: str) -> ImportJob | None:  # fmt: skip
    """An interrupted (killed) import of the same file with the same options, to finish."""
    for job in ImportJob.objects.filter(
        created_by=actor, entity=entity, file_sha256=sha256, key=key, source=source,
        dry_run=False, status__in=[JobStatus.RUNNING, JobStatus.QUEUED],
    ):  # fmt: skip
        if job.mapping == dict(mapping):
            return job
    return None


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256(handle)


def issues_csv(job: ImportJob) -> str:
    import csv

    from rapport.dataio.exports.sanitize import csv_safe

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "column", "value", "outcome", "reason"])
    for issue in job.issues.all().iterator():
        writer.writerow([issue.line, csv_safe(issue.column), csv_safe(issue.value),
                         "rejected" if issue.rejected else "imported, flagged", issue.reason])  # fmt: skip
    return out.getvalue()
