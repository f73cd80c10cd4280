"""/imports: start an import from a script and follow it.

The file travels base64-encoded in the JSON body, so this suits files up to
Django's request body limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default);
bigger files go through the page or ``rapport import``.
"""

from __future__ import annotations

import base64
import binascii
import io

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from rapport.api.auth import current_user
from rapport.api.responses import ERRORS
from rapport.api.schemas import JsonObject
from rapport.api.types import JsonBool
from rapport.core.errors import ValidationFailed
from rapport.dataio.models import ImportJob
from rapport.dataio.services import (
    import_job_configure,
    import_job_create,
    import_job_for,
    import_job_start,
)

router = Router(tags=["imports"])


class ImportIn(JsonObject):
    entity: str = Field("person", description="person or organization")
    filename: str = Field("import.csv", description="Its extension helps tell the format")
    content_base64: str = Field(description="The file's bytes, base64-encoded")
    key: str | None = Field(None, description="email | phone | external_id (people); "
                            "domain | external_id | name (organisations)")  # fmt: skip
    mapping: dict[str, str] | None = Field(
        None, description="Column → field; omitted columns are skipped. Default: the suggestions."
    )
    dry_run: JsonBool = False
    source: str = "import"
    region: str = ""


class IssueOut(Schema):
    line: int
    column: str
    value: str
    reason: str
    rejected: bool


class ImportOut(Schema):
    id: int
    entity: str
    file_name: str = Field(alias="original_name")
    status: str
    dry_run: bool
    key: str
    mapping: dict[str, str]
    rows_total: int | None
    rows_done: int
    created: int
    updated: int
    unchanged: int
    flagged: int
    rejected: int
    message: str
    issues: list[IssueOut]

    @staticmethod
    def resolve_issues(obj: ImportJob) -> list[object]:
        return list(obj.issues.all()[:100])


@router.post("/imports", response={201: ImportOut, **ERRORS}, summary="Start an import")
def create_import(request: HttpRequest, payload: ImportIn) -> Status[ImportJob]:
    """Stores the file and runs the import in the background worker (poll `GET /imports/{id}`).
    The first 100 rejected or flagged rows come back in `issues`."""
    user = current_user(request)
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed({"content_base64": ["This is not base64."]}) from exc
    job = import_job_create(actor=user, entity=payload.entity, handle=io.BytesIO(content),
                            name=payload.filename, size=len(content))  # fmt: skip
    data: dict[str, object] = {"key": payload.key or job.key, "dry_run": payload.dry_run,
                               "source": payload.source, "region": payload.region or job.region,
                               "mapping": payload.mapping if payload.mapping is not None else job.mapping}  # fmt: skip
    import_job_configure(actor=user, job=job, data=data)
    import_job_start(actor=user, job=job)
    job.refresh_from_db()
    return Status(201, job)


@router.get("/imports", response={200: list[ImportOut], **ERRORS}, summary="Your recent imports")
def list_imports(request: HttpRequest) -> list[ImportJob]:
    """Your last 50 imports (an admin sees everyone's)."""
    user = current_user(request)
    jobs = ImportJob.objects.all()
    if not user.is_admin:
        jobs = jobs.filter(created_by=user)
    return list(jobs[:50])


@router.get("/imports/{import_id}", response={200: ImportOut, **ERRORS}, summary="An import")
def get_import(request: HttpRequest, import_id: int) -> ImportJob:
    return import_job_for(user=current_user(request), pk=import_id)
