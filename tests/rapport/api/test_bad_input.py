"""Input that used to reach the database (or the encoder) and come back as a 500 is a 4xx
with ``{"detail": …}``: ids past 2⁶³, digits that are not ASCII, datetimes with no UTC value,
bools for integers, lone surrogates, non-object bodies and bodies over the size limit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.rapport.api.conftest import JSON

TOO_BIG = 2**64  # 18446744073709551616: no database id column holds it
HUGE = "99999999999999999999"


@pytest.fixture
def admin_api(workspace: Any, api_as: Callable[[Any], Any]) -> Any:
    client = api_as(workspace.admin)
    client.raise_request_exception = False  # a 500 is an answer to assert on, not a crash
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/people?team={HUGE}",
        f"/api/v1/people?owner={HUGE}",
        f"/api/v1/people?organization={HUGE}",
        f"/api/v1/organizations?team={HUGE}",
        f"/api/v1/organizations?owner={HUGE}",
        f"/api/v1/orders?person={HUGE}",
        f"/api/v1/orders?organization={HUGE}",
        f"/api/v1/tasks?assignee={HUGE}",
        "/api/v1/tasks?assignee=²",
        "/api/v1/tasks?assignee=٣",
        f"/api/v1/activities?person={HUGE}",
        f"/api/v1/people?segment={HUGE}",
    ],
)
def test_huge_or_non_ascii_ids_in_list_filters_are_422(admin_api: Any, url: str) -> None:
    response = admin_api.get(url)
    assert response.status_code == 422, response.content[:300]
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/activities", {"kind": "note", "body": "x", "people": [TOO_BIG]}, "people.0"),
        ("/api/v1/tasks", {"title": "x", "people": [TOO_BIG]}, "people.0"),
        ("/api/v1/tasks", {"title": "x", "assignee": TOO_BIG}, "assignee"),
        ("/api/v1/people", {"first_name": "x", "team_id": TOO_BIG}, "team_id"),
        ("/api/v1/people", {"first_name": "x", "organizations": [{"organization_id": TOO_BIG}]},
         "organizations.0.organization_id"),
        ("/api/v1/campaigns", {"name": "c", "audience_kind": "static", "template_id": 1,
                               "person_ids": [TOO_BIG]}, "person_ids.0"),
        ("/api/v1/custom-fields", {"entity": "person", "key": "size", "label": "Size",
                                   "field_type": "text", "position": TOO_BIG}, "position"),
        ("/api/v1/orders", {"person_id": TOO_BIG, "amount": "1", "currency": "EUR"}, "person_id"),
    ],
)  # fmt: skip
def test_huge_ids_in_bodies_are_422_naming_the_field(
    admin_api: Any, url: str, body: dict[str, Any], field: str
) -> None:
    response = admin_api.post(url, json.dumps(body), content_type=JSON)
    assert response.status_code == 422, response.content[:300]
    assert field in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/people", {"first_name": "x", "email_consent_at": "9999-12-31T23:59:59-14:00"},
         "email_consent_at"),
        ("/api/v1/tasks", {"title": "x", "due_at": "9999-12-31T23:59:59-14:00"}, "due_at"),
        ("/api/v1/activities", {"kind": "note", "body": "x", "occurred_at": "0001-01-01T00:00:00+14:00"},
         "occurred_at"),
    ],
)  # fmt: skip
def test_datetimes_without_a_utc_value_are_422(
    admin_api: Any, make_person: Any, url: str, body: dict[str, Any], field: str
) -> None:
    if url.endswith("activities"):
        body = {**body, "people": [make_person().pk]}
    response = admin_api.post(url, json.dumps(body), content_type=JSON)
    assert response.status_code == 422, response.content[:300]
    assert "between the years 1 and 9999" in response.json()["detail"][field][0]


def test_ordinary_datetimes_with_offsets_still_work(admin_api: Any) -> None:
    response = admin_api.post("/api/v1/tasks", json.dumps({"title": "Call back",
                              "due_at": "2031-05-04T09:30:00+14:00"}), content_type=JSON)  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["due_at"].startswith("2031-05-03T19:30")


def test_a_bool_is_not_a_number_of_minutes(admin_api: Any, make_person: Any) -> None:
    body = {
        "kind": "call",
        "subject": "Intro",
        "people": [make_person().pk],
        "duration_minutes": True,
    }
    response = admin_api.post("/api/v1/activities", json.dumps(body), content_type=JSON)
    assert response.status_code == 422
    assert "duration_minutes" in response.json()["detail"]


@pytest.mark.parametrize("body", ["[null, null]", "[]", '"text"', "3", "null"])
def test_a_body_that_is_not_a_json_object_is_422(admin_api: Any, body: str) -> None:
    # ninja read an array as an object with every (optional) field left out: a 200
    response = admin_api.post("/api/v1/people/duplicates/check", body, content_type=JSON)
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == {"__all__": ["The request body must be a JSON object."]}


def test_a_body_that_is_not_json_is_400(admin_api: Any) -> None:
    response = admin_api.post("/api/v1/people", b'{"first_name": "\xff"', content_type=JSON)
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


def test_a_lone_surrogate_in_a_body_is_400(admin_api: Any) -> None:
    response = admin_api.post("/api/v1/people", '{"first_name": "\\ud800"}', content_type=JSON)
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]


def test_a_surrogate_pair_is_just_a_character(admin_api: Any) -> None:
    response = admin_api.post("/api/v1/people", '{"first_name": "Ana \\ud83d\\ude00"}',
                              content_type=JSON)  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["first_name"] == "Ana 😀"


def test_a_body_over_the_upload_limit_gets_a_json_413(admin_api: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"first_name": "x" * 20_000})
    response = admin_api.post("/api/v1/people", body, content_type=JSON)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "10000 bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/people/duplicates/check", {"first_name": "Ana", "birthday": 0}, "birthday"),
        ("/api/v1/people", {"first_name": "Ana", "birthday": 86400}, "birthday"),
        ("/api/v1/tasks", {"title": "x", "due_at": 1700000000}, "due_at"),
        ("/api/v1/people/duplicates/check", {"first_name": "Ana", "threshold": False}, "threshold"),
        ("/api/v1/people/duplicates/check", {"first_name": "Ana", "limit": True}, "limit"),
        ("/api/v1/people", {"first_name": "Ana", "team_id": "1"}, "team_id"),
    ],
)
def test_numbers_and_dates_are_not_guessed_from_other_json_types(
    admin_api: Any, url: str, body: dict[str, Any], field: str
) -> None:
    response = admin_api.post(url, json.dumps(body), content_type=JSON)
    assert response.status_code == 422, response.content[:300]
    assert field in response.json()["detail"]


def test_a_flag_is_true_or_false_not_zero(admin_api: Any) -> None:
    body = {"entity": "person", "key": "vip", "label": "VIP", "field_type": "text", "required": 0}
    response = admin_api.post("/api/v1/custom-fields", json.dumps(body), content_type=JSON)
    assert response.status_code == 422
    assert "required" in response.json()["detail"]
