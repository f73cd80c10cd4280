"""The API describes itself (OpenAPI) and its docs page works offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.fixture
def schema(workspace: Any, api_as: Any) -> dict[str, Any]:
    response = api_as(workspace.viewer).get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_names_the_api_and_its_version(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Rapport API"
    assert schema["info"]["version"] == "1"


def test_every_resource_is_in_the_schema(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    expected = {
        "/api/v1/people": {"get", "post"},
        "/api/v1/people/{person_id}": {"get", "patch", "delete"},
        "/api/v1/people/{person_id}/restore": {"post"},
        "/api/v1/organizations": {"get", "post"},
        "/api/v1/organizations/{organization_id}": {"get", "patch", "delete"},
        "/api/v1/organizations/{organization_id}/restore": {"post"},
        "/api/v1/organizations/{organization_id}/people": {"get"},
        "/api/v1/custom-fields": {"get", "post"},
        "/api/v1/custom-fields/{definition_id}": {"get", "patch", "delete"},
        "/api/v1/me": {"get"},
        "/api/v1/users": {"get"},
        "/api/v1/users/{user_id}": {"get"},
        "/api/v1/teams": {"get"},
        "/api/v1/teams/{team_id}": {"get"},
        "/api/v1/models": {"get"},
        "/api/v1/models/{model_key}": {"get"},
        "/api/v1/indicators/{indicator_key}/people": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))


def test_the_schemas_describe_records_and_errors(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    person = components["PersonOut"]["properties"]
    for field in ("id", "first_name", "emails", "phones", "organizations", "tags", "owner_id", "team_id",
                  "lifecycle_stage", "email_consent", "custom_fields", "created_at", "updated_at",
                  "version", "deleted"):  # fmt: skip
        assert field in person, field
    assert set(components["PersonPage"]["properties"]) == {"results", "next"}
    assert "name" in components["OrganizationOut"]["properties"]
    assert "detail" in components["ErrorOut"]["properties"]
    # PATCH bodies are partial: nothing is required
    assert not components["PersonIn"].get("required")


def test_list_filters_and_statuses_are_documented(schema: dict[str, Any]) -> None:
    listing = schema["paths"]["/api/v1/people"]["get"]
    params = {p["name"] for p in listing["parameters"]}
    assert {"q", "owner", "team", "tag", "stage", "consent", "organization", "trash", "sort", "limit",
            "cursor"} <= params  # fmt: skip
    patch = schema["paths"]["/api/v1/people/{person_id}"]["patch"]
    assert {"200", "403", "404", "412", "422"} <= set(patch["responses"])


def test_both_ways_of_authenticating_are_declared(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme", s.get("in"))) for s in schemes.values()}
    assert ("http", "bearer") in kinds
    assert ("apiKey", "cookie") in kinds


def test_the_docs_page_loads_only_vendored_assets(workspace: Any) -> None:
    client = Client()
    client.force_login(workspace.viewer)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert "/api/v1/openapi.json" in html
    # never a CDN: every script and stylesheet is served by us
    assert "http://" not in html and "https://" not in html and "//cdn" not in html


@pytest.mark.parametrize(
    "asset",
    [
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "api/swagger-init.js",
    ],
)
def test_the_docs_assets_exist(asset: str) -> None:
    found = finders.find(asset)
    assert found, asset
    assert Path(str(found)).stat().st_size > 0


def test_swagger_ui_is_licensed(db: Any) -> None:
    folder = Path(settings.BASE_DIR) / "static" / "vendor" / "swagger-ui"
    assert "Apache License" in (folder / "LICENSE").read_text()


def test_every_operation_documents_the_errors_the_plumbing_gives(schema: dict[str, Any]) -> None:
    # the token check and rate limit (401, 429), schema validation (422), and a body
    # that is not a JSON object or is too large (400, 413) can answer any operation
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            if operation.get("security"):
                assert {"401", "429"} <= statuses, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in statuses, (method, path)
            if operation.get("requestBody"):
                assert {"400", "413"} <= statuses, (method, path)


def test_id_and_number_bounds_are_json_schema_keywords(schema: dict[str, Any]) -> None:
    import json

    text = json.dumps(schema)
    # pydantic writes a bound it cannot place as a raw "ge"/"le", which no client reads
    assert '"ge":' not in text and '"le":' not in text
    person_in = schema["components"]["schemas"]["PersonIn"]["properties"]
    team_id = next(s for s in person_in["team_id"]["anyOf"] if s.get("type") == "integer")
    assert (team_id["minimum"], team_id["maximum"]) == (1, 2**63 - 1)


def test_fields_a_write_refuses_empty_or_null_say_so(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    organization_name = components["OrganizationIn"]["properties"]["name"]
    assert organization_name["type"] == "string" and organization_name["minLength"] == 1
    assert "anyOf" not in components["PersonIn"]["properties"]["lifecycle_stage"]  # no null
    assert components["TaskCreate"]["properties"]["title"]["minLength"] == 1
    assert components["CustomFieldCreate"]["properties"]["key"]["pattern"].startswith("^[A-Za-z]")


def test_writes_document_the_answer_for_a_record_given_away(schema: dict[str, Any]) -> None:
    # A create or change that leaves the record out of the caller's sight still succeeds:
    # the schema says which shape comes back then (issue 10 item 6).
    for path, method, status in (
        ("/api/v1/people", "post", "201"),
        ("/api/v1/people/{person_id}", "patch", "200"),
        ("/api/v1/organizations", "post", "201"),
        ("/api/v1/organizations/{organization_id}", "patch", "200"),
    ):
        shape = schema["paths"][path][method]["responses"][status]["content"]["application/json"]
        refs = {option["$ref"].rsplit("/", 1)[-1] for option in shape["schema"]["anyOf"]}
        assert "OutOfSightOut" in refs, (path, method)
    gone = schema["components"]["schemas"]["OutOfSightOut"]["properties"]
    assert set(gone) == {"id", "visible", "detail"}


def test_the_docs_and_the_schema_need_a_login_or_a_token(
    workspace: Any, api_as: Any, settings: Any
) -> None:
    anonymous = Client()
    # Given nobody signed in: the schema is a 401 in JSON, the docs page leads to sign in
    refused = anonymous.get("/api/v1/openapi.json")
    assert refused.status_code == 401 and "Sign in" in refused.json()["detail"]
    docs = anonymous.get("/api/v1/docs")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/?next=")
    # A wrong token is no better; a real one reads the schema
    wrong = Client(headers={"Authorization": "Bearer rpt_not-a-token"})
    assert wrong.get("/api/v1/openapi.json").status_code == 401
    assert api_as(workspace.viewer).get("/api/v1/openapi.json").status_code == 200
    # And a workspace that wants its API docs public can say so
    settings.RAPPORT = {**settings.RAPPORT, "API_DOCS_PUBLIC": True}
    assert anonymous.get("/api/v1/openapi.json").status_code == 200
    assert anonymous.get("/api/v1/docs").status_code == 200
