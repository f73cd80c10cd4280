"""Running an import job: scan the file, then clean and write it batch by batch.

Crash safety: each batch is written in ONE transaction together with the job's
progress (``rows_done`` and the counts) and its row issues. A job killed at any
moment has either all of a batch or none of it, and a restart skips the rows
already done; rows are matched by key before insert, so even a rerun from the
start creates nothing twice.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from rapport.accounts.models import User
from rapport.core.events import emit
from rapport.dataio.cleaning import CleanConfig, CleanRow, clean_row
from rapport.dataio.engine.common import BatchResult, ImportContext
from rapport.dataio.engine.organizations import write_organizations
from rapport.dataio.engine.people import write_people
from rapport.dataio.fields import CUSTOM_PREFIX, KEYS, fields_for
from rapport.dataio.matchkeys import with_match_keys
from rapport.dataio.models import ImportIssue, ImportJob, JobStatus
from rapport.dataio.readers import FileProblem, Row, Table, open_table
from rapport.dataio.retention import delete_import_file
from rapport.people.custom_fields import definitions_for
from rapport.people.limits import record_limit

logger = logging.getLogger(__name__)

# How each kind of record the import knows (``fields.KEYS``) is written.
WRITERS = {"person": write_people, "organization": write_organizations}
BATCH_ROWS = 5000
# A big import writes bigger batches: each batch's key lookups read most of the e-mail,
# phone and external-id indexes whatever its size, so at a million rows 5,000-row
# batches read them 200 times (PostgreSQL: 46 s of lookups; 50,000-row batches: 13 s).
# 50,000 took the import's memory to 983 MB on SQLite (two batches are cleaned ahead);
# 25,000 keeps it at 755 MB for a few seconds more.
MAX_BATCH_ROWS = 25_000
BATCHES_PER_IMPORT = 40
CLEAN_CHUNK = 1000
IN_FLIGHT = 4
IMPORT_CACHE_KIB = 256 * 1024
# A helper that has not cleaned a 1,000-row chunk in this long is stuck, not slow (it
# takes well under a second): fail the import rather than pin the worker thread.
CHUNK_TIMEOUT_S = 300
Progress = Callable[[ImportJob], None]


def job_path(job: ImportJob) -> Path:
    return Path(job.file.path)


def open_job_table(job: ImportJob) -> Table:
    if not job.file or not job_path(job).exists():
        raise FileProblem("This import's file has been deleted (files are kept only while they "
                          "are needed); upload it again.")  # fmt: skip
    return open_table(
        job_path(job),
        max_field_chars=int(settings.RAPPORT["IMPORT_MAX_FIELD_CHARS"]),
        file_format=job.file_format,
        delimiter=job.delimiter,
        name=job.original_name,
    )


def mapping_problems(job: ImportJob, headers: list[str]) -> list[str]:
    """What stops this mapping from importing anything useful (empty when it is fine)."""
    problems = []
    known = fields_for(job.entity)
    targets = {f for c, f in job.mapping.items() if f and c in headers}
    unknown = {f for f in targets if f not in known}
    if unknown:
        problems.append(f"Unknown fields in the mapping: {', '.join(sorted(unknown))}.")
    if not targets:
        problems.append("No column is mapped to a field.")
    if job.key not in KEYS[job.entity]:
        problems.append(f"Choose the key for updates: one of {', '.join(KEYS[job.entity])}.")
    elif job.key not in targets and not (job.key == "name" and "name" in targets):
        problems.append(f"The key {KEYS[job.entity][job.key]!r} is not mapped to any column.")
    if job.entity == "organization" and "name" not in targets:
        problems.append("Map a column to the organisation's name.")
    return problems


def clean_config(job: ImportJob, headers: list[str]) -> CleanConfig:
    columns = tuple((i, h, job.mapping[h]) for i, h in enumerate(headers) if job.mapping.get(h, ""))
    custom = (
        {d.key: d for d in definitions_for(job.entity)}
        if any(f.startswith(CUSTOM_PREFIX) for _, _, f in columns)
        else {}
    )
    return CleanConfig(
        entity=job.entity, columns=columns, custom=custom,
        region=job.region or str(settings.RAPPORT["DEFAULT_PHONE_REGION"]),
        max_field_chars=int(settings.RAPPORT["IMPORT_MAX_FIELD_CHARS"]),
        list_limits={name: record_limit(name) for name in ("emails", "phones", "tags")},
    )  # fmt: skip


# The helper processes' configuration, set once by the pool's initializer.
_CONFIG: CleanConfig | None = None


def _init_worker(config: CleanConfig) -> None:
    global _CONFIG
    _CONFIG = config
    # Forked from a huey worker thread, the helper inherits the consumer's handlers, which
    # only note the signal: the pool's terminate() was ignored and its join() hung the
    # worker thread for ever. A helper ends on the signals that end its parent.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def _clean_chunk(rows: list[tuple[int, list[str], str]]) -> list[CleanRow]:
    assert _CONFIG is not None
    return clean_chunk(_CONFIG, rows)


def clean_chunk(config: CleanConfig, rows: list[tuple[int, list[str], str]]) -> list[CleanRow]:
    cleaned = [_clean_one(config, line, cells, problem) for line, cells, problem in rows]
    return with_match_keys(config, cleaned)


def _clean_one(config: CleanConfig, line: int, cells: list[str], problem: str) -> CleanRow:
    if problem:
        return CleanRow(line, errors=[("", "", problem)])
    return clean_row(config, line, cells)


def _cleaned(config: CleanConfig, rows: Iterator[Row], workers: int,
             ahead: int = 0) -> Iterator[CleanRow]:  # fmt: skip
    """Rows cleaned in order, in ``workers`` helper processes when asked (the writer
    then overlaps with the cleaning: both cost about the same per row).

    The helpers may run ``ahead`` rows in front of the writer: chunks are handed out
    only when the writer asks for rows, so a window smaller than the writer's batch
    leaves the helpers idle while the batch is written."""
    chunks = (
        [(r.line, r.cells, r.problem) for r in chunk]
        for chunk in iter(lambda: list(islice(rows, CLEAN_CHUNK)), [])
    )
    if workers <= 0:
        for chunk in chunks:
            yield from clean_chunk(config, chunk)
        return
    pool = Pool(workers, initializer=_init_worker, initargs=(config,))
    try:
        # A bounded window of chunks in flight: imap would read the whole file ahead.
        window: deque[Any] = deque()
        for chunk in chunks:
            window.append(pool.apply_async(_clean_chunk, (chunk,)))
            if len(window) >= max(IN_FLIGHT * workers, ahead // CLEAN_CHUNK + 1):
                yield from window.popleft().get(timeout=CHUNK_TIMEOUT_S)
        while window:
            yield from window.popleft().get(timeout=CHUNK_TIMEOUT_S)
        pool.close()  # all work is done: let the helpers exit by themselves
    finally:
        pool.terminate()  # a no-op after close(); stops them on an error or an early stop
        pool.join()


def _batches(rows: Iterable[CleanRow], size: int) -> Iterator[list[CleanRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def count_rows(job: ImportJob) -> int:
    """Read the whole file once before writing: a file broken half-way fails here,
    before any row lands, and the progress bar knows the total."""
    limit = int(settings.RAPPORT["IMPORT_MAX_ROWS"])
    table = open_job_table(job)
    total = 0
    for _ in table.rows:
        total += 1
        if total > limit:
            raise FileProblem(
                f"The file has more than {limit:,} rows, the limit for one import "
                "(RAPPORT_IMPORT_MAX_ROWS). Split it into smaller files."
            )
    return total


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def runner_alive(runner: str) -> bool:
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's worker: assume it is still at work
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim(job: ImportJob) -> bool:
    """Mark the job as run by this process, unless a live process already runs it."""
    with transaction.atomic():
        fresh = ImportJob.objects.select_for_update().get(pk=job.pk)
        if fresh.is_finished:
            return False
        taken = fresh.status == JobStatus.RUNNING and fresh.runner not in ("", runner_id())
        if taken and runner_alive(fresh.runner):
            return False
        fresh.status, fresh.runner = JobStatus.RUNNING, runner_id()
        fresh.started_at = fresh.started_at or timezone.now()
        fresh.save(update_fields=["status", "runner", "started_at"])
    job.refresh_from_db()
    return True


def run_import(job: ImportJob, *, progress: Progress | None = None, workers: int = 0,
               batch_rows: int | None = None) -> ImportJob:  # fmt: skip
    if not claim(job):
        return job
    # Millions of short-lived tuples would trigger full garbage collections over
    # Django's long-lived objects again and again; freeze those and collect rarely.
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        with _bulk_write_settings():
            _run(job, progress, workers, batch_rows)
    except FileProblem as exc:
        _finish(job, JobStatus.FAILED, str(exc))
    except Exception:
        logger.exception("import %s failed", job.pk)
        _finish(job, JobStatus.FAILED, "The import stopped on an unexpected error; the rows "
                "written so far are kept. Run it again to continue.")  # fmt: skip
        raise
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    return job


def batch_size(total_rows: int) -> int:
    return max(BATCH_ROWS, min(MAX_BATCH_ROWS, total_rows // BATCHES_PER_IMPORT))


def _emit_batch(ctx: ImportContext, result: BatchResult) -> None:
    """One bulk event per batch and kind, in the batch's transaction: the people it changed
    (those it created got their duplicate-check keys in the batch) and the organisations
    it created or changed. The duplicate check refreshes their keys after the commit."""
    if result.written_person_ids:
        emit("person.imported", entity_type="person", entity_ids=result.written_person_ids,
             actor=ctx.actor)  # fmt: skip
    if result.written_organization_ids:
        emit("organization.imported", entity_type="organization",
             entity_ids=result.written_organization_ids, actor=ctx.actor)  # fmt: skip


def _run(job: ImportJob, progress: Progress | None, workers: int, batch_rows: int | None) -> None:
    actor = job.created_by
    if actor is None or not actor.is_active:
        raise FileProblem("The user who started this import is no longer active.")
    if job.rows_total is None:
        job.rows_total = count_rows(job)
        job.save(update_fields=["rows_total"])
    table = open_job_table(job)
    problems = mapping_problems(job, table.headers)
    if problems:
        raise FileProblem(" ".join(problems))
    config = clean_config(job, table.headers)
    ctx = ImportContext(job, User.objects.get(pk=actor.pk))
    write = WRITERS[job.entity]
    rows = islice(table.rows, job.rows_done, None)
    batch_rows = batch_rows or batch_size(job.rows_total)
    for batch in _batches(_cleaned(config, rows, workers, ahead=2 * batch_rows), batch_rows):
        with transaction.atomic():
            _tune_transaction()
            result = write(ctx, batch, job.key)
            if job.dry_run:
                transaction.set_rollback(True)
            else:
                _record(job, result, len(batch))
                _emit_batch(ctx, result)
        if job.dry_run:
            with transaction.atomic():
                _record(job, result, len(batch))
        if progress is not None:
            progress(job)
    summary = (f"{job.created:,} created, {job.updated:,} updated, {job.unchanged:,} unchanged, "
               f"{job.flagged:,} flagged as possible duplicates, {job.rejected:,} rejected.")  # fmt: skip
    _finish(job, JobStatus.DONE, ("Dry run, nothing was saved: " if job.dry_run else "") + summary)


@contextmanager
def _bulk_write_settings() -> Iterator[None]:
    """SQLite, for this connection while the import runs: commits that survive the
    process being killed but skip the fsync (``synchronous=NORMAL`` in WAL mode), and a
    bigger page cache for the indexes the batches update at random, and checkpoints
    every 64 MB of log rather than every 4 MB. Each batch holds its
    rows and the job's progress in one transaction, so a power cut can only lose whole
    trailing batches, which the rerun redoes: the same bargain as PostgreSQL's
    ``synchronous_commit = off`` below."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # SQLite refuses to change the safety level inside a transaction
        return
    wanted = {"synchronous": 1, "cache_size": -IMPORT_CACHE_KIB, "wal_autocheckpoint": 16384}
    with connection.cursor() as cursor:
        before = {}
        for name, value in wanted.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name}={value:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name}={value:d}")


def _tune_transaction() -> None:
    """PostgreSQL: a batch's commit need not wait for the disk: the rows and the job's
    progress are in the same transaction, so a server crash loses both together and the
    rerun redoes them (a killed import process loses nothing committed either way)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _record(job: ImportJob, result: BatchResult, rows: int) -> None:
    ImportIssue.objects.bulk_create(result.issues, batch_size=1000)
    job.rows_done += rows
    job.created += result.created
    job.updated += result.updated
    job.unchanged += result.unchanged
    job.flagged += result.flagged
    job.rejected += result.rejected
    job.save(update_fields=["rows_done", "created", "updated", "unchanged", "flagged", "rejected"])


def _finish(job: ImportJob, status: str, message: str) -> None:
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    if status == JobStatus.DONE and not job.dry_run:
        # Done for good (a real import cannot run twice): its copy of the file goes.
        delete_import_file(job, "after the import")
