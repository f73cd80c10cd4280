"""Uploaded import files are kept only as long as they are needed.

A finished import's file is deleted at once; a failed or untouched one after
``RAPPORT_IMPORT_FILE_RETENTION_DAYS`` (it may be run again until then). Erasing a
person deletes every stored file that is not being imported right now, since any of
them may hold that person, and their rejected cells are redacted."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from rapport.core.erasure import ERASED_TEXT, ErasedPerson
from rapport.dataio.models import ImportIssue, ImportJob, JobStatus

logger = logging.getLogger(__name__)
FILE_GONE = "The uploaded file was deleted"


def delete_import_file(job: ImportJob, why: str) -> None:
    if not job.file:
        return
    try:
        job.file.delete(save=False)
    except OSError:
        logger.warning("import %s: could not delete its file", job.pk)
        return
    job.file = ""
    job.message = f"{job.message} {FILE_GONE} {why}.".strip()
    job.save(update_fields=["file", "message"])


def purge_old_import_files(now: dt.datetime | None = None) -> int:
    days = int(settings.RAPPORT["IMPORT_FILE_RETENTION_DAYS"])
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = (
        ImportJob.objects.exclude(file="")
        .exclude(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .filter(created_at__lt=cutoff)
    )
    count = 0
    for job in old:
        delete_import_file(job, f"after {days} days (RAPPORT_IMPORT_FILE_RETENTION_DAYS)")
        count += 1
    return count


def erase_from_imports(erased: ErasedPerson) -> None:
    for job in ImportJob.objects.exclude(file="").exclude(
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ):
        delete_import_file(job, "when a person was erased")
    for issue in ImportIssue.objects.filter(erased.mentioned("value", "reason", about_them=True)):
        issue.value = ERASED_TEXT
        issue.reason = erased.redact(issue.reason)
        issue.save(update_fields=["value", "reason"])
