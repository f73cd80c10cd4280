"""Every error is JSON ``{"detail": ...}`` with the status that says what went wrong."""

from __future__ import annotations

from typing import Any

from django.test import Client

JSON = "application/json"


def test_an_unknown_api_path_is_a_json_404(workspace: Any) -> None:
    response = Client().get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert "no API endpoint" in response.json()["detail"]


def test_a_non_numeric_id_is_422_on_the_path_field(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).get("/api/v1/people/abc")
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"person_id"}


def test_nested_schema_errors_name_the_nested_field(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(
        "/api/v1/people",
        {"first_name": "Ana", "organizations": [{"role": "CTO"}]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"organizations.0.organization_id"}


def test_a_body_that_is_not_an_object_is_422(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post("/api/v1/people", "[1, 2]", content_type=JSON)
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"__all__"}


def test_a_bad_filter_value_names_the_filter(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).get("/api/v1/people", {"owner": "nobody"})
    assert response.status_code == 422
    assert response.json()["detail"] == {"owner": ["'nobody' is not a valid id."]}
