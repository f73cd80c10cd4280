"""/api/v1/imports: start an import from a script and follow it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from rapport.accounts.services import token_create
from rapport.people.models import Person

pytestmark = pytest.mark.django_db
CSV = b"First Name,Email\nAna,ana@mail.example.com\nBo,bad\n"


def _headers(user: Any) -> dict[str, str]:
    _, secret = token_create(user=user, name="t")
    return {"Authorization": f"Bearer {secret}"}


def test_start_and_follow_an_import(client: Client, workspace: Any) -> None:
    headers = _headers(workspace.rep)
    body = {
        "entity": "person",
        "filename": "p.csv",
        "content_base64": base64.b64encode(CSV).decode(),
    }
    response = client.post(
        "/api/v1/imports", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["created"], data["rejected"]) == ("done", 1, 1)
    assert data["issues"][0]["line"] == 3 and data["mapping"]["Email"] == "email"
    assert Person.objects.get().first_name == "Ana"
    again = client.get(f"/api/v1/imports/{data['id']}", headers=headers)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert [j["id"] for j in client.get("/api/v1/imports", headers=headers).json()] == [data["id"]]
    other = client.get(f"/api/v1/imports/{data['id']}", headers=_headers(workspace.rep2))
    assert other.status_code == 404 and "detail" in other.json()


def test_bad_input_is_a_422_with_field_messages(client: Client, workspace: Any) -> None:
    headers = _headers(workspace.rep)
    body = {"entity": "person", "content_base64": "%%%"}
    response = client.post(
        "/api/v1/imports", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 422 and "content_base64" in response.json()["detail"]
    body = {"entity": "person", "content_base64": base64.b64encode(CSV).decode(), "key": "fax"}
    response = client.post(
        "/api/v1/imports", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 422 and "key" in response.json()["detail"]


def test_viewers_cannot_import(client: Client, workspace: Any) -> None:
    body = {"content_base64": base64.b64encode(CSV).decode()}
    response = client.post("/api/v1/imports", json.dumps(body), content_type="application/json",
                           headers=_headers(workspace.viewer))  # fmt: skip
    assert response.status_code == 403
