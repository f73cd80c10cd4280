"""Import pages: upload → preview and mapping → dry run → import, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.access import can_write, require_writer
from rapport.core.errors import ValidationFailed
from rapport.core.web import current_user, error_messages, translate_errors
from rapport.dataio.fields import KEYS, fields_for
from rapport.dataio.models import Entity, ImportJob, JobStatus
from rapport.dataio.services import (
    Preview,
    import_job_configure,
    import_job_create,
    import_job_for,
    import_job_start,
    import_preview,
    issues_csv,
)

RECENT_JOBS = 20
ISSUES_SHOWN = 50


@translate_errors
@require_GET
def hub_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    jobs = ImportJob.objects.select_related("created_by")
    if not user.is_admin:
        jobs = jobs.filter(created_by=user)
    return render(request, "dataio/hub.html", {
        "jobs": list(jobs[:RECENT_JOBS]), "can_import": can_write(user),
        "entities": Entity.choices,
    })  # fmt: skip


@translate_errors
@require_POST
def upload_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_writer(user)
    upload = request.FILES.get("file")
    entity = request.POST.get("entity", "person")
    try:
        if upload is None:
            raise ValidationFailed({"file": ["Choose a file to import."]})
        job = import_job_create(actor=user, entity=entity, handle=upload.file,  # type: ignore[arg-type]
                                name=upload.name or "import", size=upload.size or 0)  # fmt: skip
    except ValidationFailed as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect("dataio:hub")
    return redirect("dataio:import_detail", pk=job.pk)


def _mapping_rows(
    job: ImportJob, headers: list[str], rows: list[list[str]]
) -> list[dict[str, Any]]:
    return [
        {
            "index": i,
            "header": h,
            "field": job.mapping.get(h, ""),
            "samples": [r[i] for r in rows if i < len(r) and r[i].strip()][:3],
        }
        for i, h in enumerate(headers)
    ]


@translate_errors
@require_http_methods(["GET", "POST"])
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    job = import_job_for(user=user, pk=pk)
    errors: list[str] = []
    configurable = (
        bool(job.file)
        and job.created_by_id == user.pk
        and (job.status == JobStatus.UPLOADED or (job.status == JobStatus.DONE and job.dry_run))
    )
    # A finished import's file is deleted (docs/privacy.md): its page shows the mapping
    # it used and its results, without the sample rows.
    preview = import_preview(job) if job.file else Preview(
        list(job.mapping), [], job.file_format, "", job.delimiter)  # fmt: skip
    if request.method == "POST" and configurable:
        mapping = {h: request.POST.get(f"map_{i}", "") for i, h in enumerate(preview.headers)}
        data = {
            "mapping": mapping, "key": request.POST.get("key", ""),
            "dry_run": request.POST.get("action") == "dry_run",
            "source": request.POST.get("source", "import"), "region": request.POST.get("region", ""),
        }  # fmt: skip
        try:
            import_job_configure(actor=user, job=job, data=data)
            import_job_start(actor=user, job=job)
            return redirect("dataio:import_detail", pk=job.pk)
        except ValidationFailed as exc:
            errors = error_messages(exc)
            job.mapping = mapping
    elif request.method == "POST":
        messages.error(request, "This import can no longer be changed.")
        return redirect("dataio:import_detail", pk=job.pk)
    context = {
        "job": job, "preview": preview, "configurable": configurable, "errors": errors,
        "columns": _mapping_rows(job, preview.headers, preview.rows),
        "fields": list(fields_for(job.entity).items()), "keys": list(KEYS[job.entity].items()),
        "issues": list(job.issues.all()[:ISSUES_SHOWN]),
    }  # fmt: skip
    return render(request, "dataio/import_detail.html", context, status=422 if errors else 200)


@translate_errors
@require_GET
def import_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_for(user=current_user(request), pk=pk)
    context = {"job": job, "issues": list(job.issues.all()[:ISSUES_SHOWN])}
    return render(request, "dataio/_progress.html", context)


@translate_errors
@require_GET
def import_errors_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_for(user=current_user(request), pk=pk)
    response = HttpResponse(issues_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-issues.csv"'
    return response


def import_url(job: ImportJob) -> str:
    return reverse("dataio:import_detail", args=[job.pk])
