"""The import pages: upload → preview and mapping → dry run → import → progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rapport.dataio.models import ImportJob
from rapport.people.models import Person

pytestmark = pytest.mark.django_db

CSV = b"First Name,Last Name,Email,Mystery\nAna,Souza,ana@mail.example.com,x\nBo,Ek,bad,y\n"


def _upload(client: Client, content: bytes = CSV, name: str = "people.csv") -> Any:
    return client.post(reverse("dataio:upload"),
                       {"entity": "person", "file": SimpleUploadedFile(name, content)})  # fmt: skip


def test_upload_preview_dry_run_then_import(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    # Given the hub page with the upload form
    assert "Upload and preview" in client.get(reverse("dataio:hub")).content.decode()
    # When a file is uploaded, its columns come back with suggestions
    response = _upload(client)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "dataio:import_detail", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "ana@mail.example.com" in page and 'value="email" selected' in page
    # When a dry run is asked for, counts come back and nothing is saved
    form = {"map_0": "first_name", "map_1": "last_name", "map_2": "email", "map_3": "", "key": "email",
            "region": "US", "source": "import"}  # fmt: skip
    client.post(reverse("dataio:import_detail", args=[job.pk]), {**form, "action": "dry_run"})
    job.refresh_from_db()
    assert (job.dry_run, job.created, job.rejected) == (True, 1, 1) and not Person.objects.exists()
    # When the import runs for real, the people land and the progress shows the summary
    client.post(reverse("dataio:import_detail", args=[job.pk]), {**form, "action": "run"})
    job.refresh_from_db()
    assert (job.dry_run, job.status, job.created, job.rejected) == (False, "done", 1, 1)
    assert Person.objects.get().email == "ana@mail.example.com"
    progress = client.get(
        reverse("dataio:import_progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    html = progress.content.decode()
    assert (
        'data-count="created">1<' in html
        and "hx-trigger" not in html
        and "not a valid e-mail" in html
    )
    issues = client.get(reverse("dataio:import_errors", args=[job.pk]))
    assert issues.status_code == 200 and b"line,column,value,outcome,reason" in issues.content
    # ...and it cannot be run a second time
    client.post(reverse("dataio:import_detail", args=[job.pk]), {**form, "action": "run"})
    assert Person.objects.count() == 1


def test_a_mapping_without_the_key_comes_back_with_the_error(
    client: Client, workspace: Any
) -> None:
    client.force_login(workspace.rep)
    job = ImportJob.objects.get(pk=int(_upload(client)["Location"].rstrip("/").split("/")[-1]))
    response = client.post(reverse("dataio:import_detail", args=[job.pk]),
                           {"map_0": "first_name", "key": "email", "action": "run"})  # fmt: skip
    assert response.status_code == 422
    assert "not mapped to any column" in response.content.decode()
    assert not Person.objects.exists()


def test_a_bad_upload_is_explained(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    response = _upload(client, b"", "empty.csv")
    assert response.status_code == 302
    assert "empty" in client.get(reverse("dataio:hub")).content.decode()


def test_someone_elses_import_is_not_found(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    job = ImportJob.objects.get(pk=int(_upload(client)["Location"].rstrip("/").split("/")[-1]))
    client.force_login(workspace.rep2)
    assert client.get(reverse("dataio:import_detail", args=[job.pk])).status_code == 404
    client.force_login(workspace.admin)
    assert client.get(reverse("dataio:import_detail", args=[job.pk])).status_code == 200


def test_viewers_see_export_but_not_import(client: Client, workspace: Any) -> None:
    client.force_login(workspace.viewer)
    html = client.get(reverse("dataio:hub")).content.decode()
    assert "read-only" in html and "Upload and preview" not in html
    assert _upload(client).status_code == 403


def test_list_pages_offer_an_export_of_the_current_view(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    html = client.get(reverse("people:person_list"), {"tag": "vip"}).content.decode()
    assert reverse("dataio:export", args=["people", "csv"]) + "?tag=vip" in html
    html = client.get(reverse("people:organization_list")).content.decode()
    assert reverse("dataio:export", args=["organisations", "xlsx"]) in html


def test_nav_link(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    html = client.get(reverse("dataio:quality")).content.decode()
    assert f'href="{reverse("dataio:hub")}" aria-current="page"' in html
