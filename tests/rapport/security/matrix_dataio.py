"""Import, export, GDPR and data quality routes (rapport.dataio)."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.dataio.models import Erasure, ImportJob, JobStatus
from tests.rapport.security.matrix import EVERYONE, SEES_RECORD, WRITERS, Case, World

CSV = b"First name,Email\nMat,mat@mail.example.com\n"
OWNER_OR_ADMIN = {"rep", "admin"}  # rick uploaded the matrix's import; admins see every import
GDPR = {"admin", "manager"}  # admins, and the manager of the person's team


def extend_world(world: World) -> None:
    from rapport.dataio.services import import_job_create

    world.extra["import"] = import_job_create(
        actor=world.users["rep"],
        entity="person",
        handle=io.BytesIO(CSV),
        name="m.csv",
        size=len(CSV),
    )


def _job(w: World) -> dict[str, Any]:
    return {"pk": w.extra["import"].pk}


def _person(w: World) -> dict[str, Any]:
    return {"pk": w.person.pk}


def _started(w: World) -> bool:
    return ImportJob.objects.get(pk=w.extra["import"].pk).status != JobStatus.UPLOADED


PAGES: dict[str, list[Case]] = {
    "dataio:hub": [Case("GET", frozenset(EVERYONE))],
    "dataio:upload": [
        Case(
            "POST",
            frozenset(WRITERS),
            data=lambda w: {"entity": "person", "file": SimpleUploadedFile("m.csv", CSV)},
        )
    ],
    "dataio:import_detail": [
        Case("GET", frozenset(OWNER_OR_ADMIN), kwargs=_job),
        Case(
            "POST",
            frozenset({"rep"}),
            kwargs=_job,
            effect=_started,
            data=lambda w: {
                "map_0": "first_name",
                "map_1": "email",
                "key": "email",
                "action": "run",
            },
        ),
    ],
    "dataio:import_progress": [Case("GET", frozenset(OWNER_OR_ADMIN), kwargs=_job)],
    "dataio:import_errors": [Case("GET", frozenset(OWNER_OR_ADMIN), kwargs=_job)],
    "dataio:export": [
        Case("GET", frozenset(EVERYONE), kwargs=lambda w: {"entity": "people", "fmt": "csv"})
    ],
    "dataio:quality": [Case("GET", frozenset(EVERYONE))],
    "dataio:gdpr_panel": [Case("GET", frozenset(SEES_RECORD), kwargs=_person)],
    "dataio:gdpr_export": [Case("POST", frozenset(GDPR), kwargs=_person)],
    "dataio:erase": [
        Case("GET", frozenset(GDPR), kwargs=_person),
        Case(
            "POST",
            frozenset(GDPR),
            kwargs=_person,
            data=lambda w: {"confirm": "ERASE"},
            effect=lambda w: Erasure.objects.filter(person_ref=w.person.pk).exists(),
        ),
    ],
}

API: dict[tuple[str, str], Case] = {
    ("POST", "/imports"): Case(
        "POST",
        frozenset(WRITERS),
        data=lambda w: {"content_base64": base64.b64encode(CSV).decode()},
    ),
    ("GET", "/imports"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/imports/{import_id}"): Case("GET", frozenset(OWNER_OR_ADMIN)),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {"import_id": world.extra["import"].pk}
