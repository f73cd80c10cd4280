"""Running an import from test data, the way the page and the CLI do."""

from __future__ import annotations

import io
from typing import Any

from rapport.dataio.engine.runner import run_import
from rapport.dataio.models import ImportJob
from rapport.dataio.services import import_job_configure, import_job_create


def upload(actor: Any, content: bytes | str, *, name: str = "people.csv",
           entity: str = "person") -> ImportJob:  # fmt: skip
    data = content.encode("utf-8") if isinstance(content, str) else content
    return import_job_create(actor=actor, entity=entity, handle=io.BytesIO(data), name=name,
                             size=len(data))  # fmt: skip


def run(actor: Any, content: bytes | str, *, name: str = "people.csv", entity: str = "person",
        key: str | None = None, mapping: dict[str, str] | None = None, dry_run: bool = False,
        source: str = "import") -> ImportJob:  # fmt: skip
    job = upload(actor, content, name=name, entity=entity)
    data: dict[str, Any] = {"mapping": {**job.mapping, **(mapping or {})}, "key": key or job.key,
                            "dry_run": dry_run, "source": source, "region": "US"}  # fmt: skip
    import_job_configure(actor=actor, job=job, data=data)
    run_import(job)
    job.refresh_from_db()
    return job


def counts(job: ImportJob) -> tuple[int, int, int, int, int]:
    return (job.created, job.updated, job.unchanged, job.flagged, job.rejected)
