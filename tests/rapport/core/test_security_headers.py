"""Headers that keep a page's data from leaking to injected script or other sites."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/people/", "/api/v1/docs", "/api/v1/people"])
def test_every_response_carries_a_content_security_policy(
    client: Client, workspace: Any, path: str
) -> None:
    if "login" not in path:
        client.force_login(workspace.rep)
    response = client.get(path)
    assert response.status_code == 200, path
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    # Scripts only from our own files: no inline or injected script runs, nothing evaluated
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    ["/people/", "/api/v1/people", "/import-export/export/people.csv", "/people/?page=2"],
)
def test_personal_data_is_never_kept_in_a_cache(client: Client, workspace: Any, path: str) -> None:
    client.force_login(workspace.rep)
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(workspace: Any, settings: Any) -> None:
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders, as in development
    response = Client().get(settings.STATIC_URL + "vendor/swagger-ui/swagger-ui.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
