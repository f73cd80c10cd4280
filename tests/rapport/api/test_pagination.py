"""Cursor pagination: every row exactly once, in the list's order, at a fixed query cost."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rapport.people.models import Organization, Person

SORTS = ["-updated", "updated", "name", "-name", "created", "-created"]
LAST_NAMES = ["Souza", "souza", "Álvares", "Costa", "costa", "Zé", "Lima", "", "Dias", "Costa"]


@pytest.fixture
def many_people(workspace: Any, make_person: Any) -> list[Person]:
    """23 people with repeated names and timestamps, so ties must be broken by id."""
    people = []
    base = timezone.now() - dt.timedelta(days=1)
    for i in range(23):
        person = make_person(first_name=f"P{i % 4}", last_name=LAST_NAMES[i % len(LAST_NAMES)],
                             emails=[f"p{i}@example.com"])  # fmt: skip
        # Three people share each timestamp: the cursor must still not skip or repeat.
        stamp = base + dt.timedelta(minutes=i // 3)
        Person.objects.filter(pk=person.pk).update(updated_at=stamp, created_at=stamp)
        people.append(person)
    return people


def walk(client: Client, url: str, params: dict[str, Any]) -> tuple[list[int], int]:
    ids: list[int] = []
    pages = 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        ids.extend(row["id"] for row in body["results"])
        pages += 1
        if body["next"] is None:
            return ids, pages
        assert body["next"].startswith("http://testserver/api/v1/")
        response = client.get(body["next"])


@pytest.mark.parametrize("sort", SORTS)
def test_walking_all_pages_gives_every_person_once_in_order(
    many_people: list[Person], workspace: Any, api_as: Any, sort: str
) -> None:
    client = api_as(workspace.rep)
    # when the list is walked 5 rows at a time
    ids, pages = walk(client, "/api/v1/people", {"sort": sort, "limit": 5})
    # then each person appears exactly once, in the same order as one big page
    assert len(ids) == len(set(ids)) == 23
    assert pages == 5
    everything = client.get("/api/v1/people", {"sort": sort, "limit": 200}).json()
    assert everything["next"] is None
    assert ids == [row["id"] for row in everything["results"]]


def test_next_links_keep_the_filters(
    many_people: list[Person], workspace: Any, api_as: Any
) -> None:
    client = api_as(workspace.rep)
    ids, _ = walk(client, "/api/v1/people", {"q": "costa", "limit": 2, "sort": "name"})
    expected = set(Person.objects.filter(last_name__iexact="costa").values_list("pk", flat=True))
    assert len(ids) == len(expected) and set(ids) == expected


def test_organisations_paginate_by_name(workspace: Any, api_as: Any, make_org: Any) -> None:
    for name in ["beta", "Alpha", "alpha", "Gamma", "delta", "Beta", "epsilon"]:
        make_org(name=name)
    client = api_as(workspace.rep)
    for sort in ("name", "-name", "-updated"):
        ids, pages = walk(client, "/api/v1/organizations", {"sort": sort, "limit": 3})
        everything = client.get("/api/v1/organizations", {"sort": sort}).json()["results"]
        assert ids == [row["id"] for row in everything]
        assert pages == 3
    assert len(ids) == Organization.objects.count()


def test_a_page_that_fits_has_no_next(workspace: Any, api_as: Any, make_person: Any) -> None:
    make_person()
    body = api_as(workspace.rep).get("/api/v1/people", {"limit": 1}).json()
    assert len(body["results"]) == 1
    assert body["next"] is None


@pytest.mark.parametrize(
    "cursor",
    ["garbage", base64.urlsafe_b64encode(b'{"s":"-updated","k":[1]}').decode(), "", "a:b:c"],
)
def test_a_bad_cursor_is_400(
    many_people: list[Person], workspace: Any, api_as: Any, cursor: str
) -> None:
    response = api_as(workspace.rep).get("/api/v1/people", {"cursor": cursor or "x"})
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_a_cursor_from_another_sort_order_is_400(
    many_people: list[Person], workspace: Any, api_as: Any
) -> None:
    client = api_as(workspace.rep)
    next_url = client.get("/api/v1/people", {"sort": "name", "limit": 5}).json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    response = client.get("/api/v1/people", {"sort": "-updated", "cursor": cursor})
    assert response.status_code == 400


@pytest.mark.parametrize("limit", ["0", "201", "many"])
def test_limit_must_be_between_1_and_200(workspace: Any, api_as: Any, limit: str) -> None:
    response = api_as(workspace.rep).get("/api/v1/people", {"limit": limit})
    assert response.status_code == 422
    assert "limit" in response.json()["detail"]


def test_the_default_page_is_50(workspace: Any, api_as: Any, make_person: Any) -> None:
    people = [
        Person(first_name=f"P{i}", owner=workspace.rep, team=workspace.north) for i in range(51)
    ]
    Person.objects.bulk_create(people)
    body = api_as(workspace.rep).get("/api/v1/people").json()
    assert len(body["results"]) == 50
    assert body["next"] is not None


def _people_with_relations(n: int, workspace: Any, make_person: Any, make_org: Any) -> None:
    orgs = [make_org(name=f"Org {i}") for i in range(3)]
    for i in range(n):
        make_person(first_name=f"P{i}", emails=[f"p{i}@example.com"], phones=["+442079460958"],
                    tags=["vip", f"t{i % 3}"],
                    organizations=[{"organization_id": orgs[i % 3].pk, "role": "CTO"},
                                   {"organization_id": orgs[(i + 1) % 3].pk}])  # fmt: skip


def rate_count_queries() -> int:
    """On PostgreSQL the API's rate limit counts in the database: one upsert a request
    (SQLite counts in a file of its own, Redis in Redis: rapport/core/ratelimit.py)."""
    from django.db import connection

    return 1 if connection.vendor == "postgresql" else 0


@pytest.mark.parametrize("rows", [5, 50])
def test_a_page_of_people_costs_a_fixed_number_of_queries(
    rows: int,
    workspace: Any,
    api_as: Any,
    make_person: Any,
    make_org: Any,
    django_assert_max_num_queries: Any,
) -> None:
    # given people with e-mails, phones, tags and two organisations each
    _people_with_relations(rows, workspace, make_person, make_org)
    client = api_as(workspace.rep)
    client.get("/api/v1/me")  # the token's last-used stamp is written once a minute, not per page
    # then a full page costs the same 8 queries for 5 rows as for 50: token, visibility, teams,
    # the page, and one each for tags, organisations, e-mails and phones (+ the rate count)
    with django_assert_max_num_queries(8 + rate_count_queries()):
        response = client.get("/api/v1/people", {"limit": 50})
    body = response.json()
    assert len(body["results"]) == rows
    assert all(len(row["organizations"]) == 2 for row in body["results"])


@pytest.mark.parametrize("rows", [5, 50])
def test_a_page_of_organisations_costs_a_fixed_number_of_queries(
    rows: int, workspace: Any, api_as: Any, make_org: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(rows):
        make_org(name=f"Org {i}", tags=["b2b"])
    client = api_as(workspace.rep)
    client.get("/api/v1/me")
    with django_assert_max_num_queries(5 + rate_count_queries()):
        response = client.get("/api/v1/organizations", {"limit": 50})
    assert len(response.json()["results"]) == rows
