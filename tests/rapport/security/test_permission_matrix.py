"""Every URL and every API operation, for every role.

The test walks Django's URL resolver and the API's OpenAPI document. A route
that is not described in PAGES or API below fails the test, so no endpoint can
ship without someone deciding who may use it.

Given team visibility, the records below belong to rick (rep, team North):
admin, the North manager, rick and the North viewer may see them; sam (rep,
team South) may not. Writes are for admin, manager and rick; the viewer is
refused. Admin settings are for the admin only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rapport.accounts.services import token_create
from rapport.people.models import CustomFieldDefinition, Person, SavedView

ROLES = ("anonymous", "admin", "manager", "rep", "other_rep", "viewer")
EVERYONE = {"admin", "manager", "rep", "other_rep", "viewer"}
WRITERS = {"admin", "manager", "rep", "other_rep"}
SEES_RECORD = {"admin", "manager", "rep", "viewer"}
EDITS_RECORD = {"admin", "manager", "rep"}
ADMIN = {"admin"}
PUBLIC = {"anonymous", *EVERYONE}


@dataclass
class World:
    person: Person
    org: Any
    field_def: CustomFieldDefinition
    saved_view: SavedView
    users: dict[str, Any]
    teams: dict[str, Any]


@dataclass(frozen=True)
class Case:
    method: str
    allowed: frozenset[str]
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    # For writes a disallowed role may be answered with a harmless no-op (bulk actions
    # skip rows outside the actor's scope); ``effect`` tells whether the write happened.
    effect: Callable[[World], bool] | None = field(default=None)
    # Logging out ends at the login page by design.
    ends_at_login: bool = False


def _person(w: World) -> dict[str, Any]:
    return {"pk": w.person.pk}


def _org(w: World) -> dict[str, Any]:
    return {"pk": w.org.pk}


def _tagged(w: World) -> bool:
    return w.person.tags.filter(name="matrix").exists()


def _person_deleted(w: World) -> bool:
    w.person.refresh_from_db()
    return w.person.deleted_at is not None


# Pages: URL name → cases.
PAGES: dict[str, list[Case]] = {
    "healthz": [Case("GET", frozenset(PUBLIC))],
    "accounts:login": [Case("GET", frozenset(PUBLIC))],
    "accounts:logout": [Case("POST", frozenset(EVERYONE), ends_at_login=True)],
    "accounts:password_change": [Case("GET", frozenset(EVERYONE))],
    "accounts:password_change_done": [Case("GET", frozenset(EVERYONE))],
    "accounts:settings": [Case("GET", frozenset(ADMIN))],
    "accounts:user_list": [
        Case("GET", frozenset(ADMIN)),
        Case("POST", frozenset(ADMIN), data=lambda w: {"username": "newbie", "role": "rep"}),
    ],
    "accounts:user_edit": [
        Case("GET", frozenset(ADMIN), kwargs=lambda w: {"pk": w.users["rep"].pk}),
        Case(
            "POST",
            frozenset(ADMIN),
            kwargs=lambda w: {"pk": w.users["rep"].pk},
            data=lambda w: {"role": "manager"},
        ),
    ],
    "accounts:user_active": [
        Case(
            "POST",
            frozenset(ADMIN),
            kwargs=lambda w: {"pk": w.users["rep2"].pk},
            data=lambda w: {"active": "0"},
        )
    ],
    "accounts:team_list": [
        Case("GET", frozenset(ADMIN)),
        Case("POST", frozenset(ADMIN), data=lambda w: {"name": "East"}),
    ],
    "accounts:workspace": [
        Case("GET", frozenset(ADMIN)),
        Case("POST", frozenset(ADMIN), data=lambda w: {"visibility": "team"}),
    ],
    "people:home": [Case("GET", frozenset(EVERYONE))],
    "people:person_list": [Case("GET", frozenset(EVERYONE))],
    "people:person_create": [
        Case("GET", frozenset(WRITERS)),
        Case("POST", frozenset(WRITERS), data=lambda w: {"first_name": "New"}),
    ],
    "people:person_bulk": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            data=lambda w: {"action": "tag", "tags": "matrix", "ids": [w.person.pk]},
            effect=_tagged,
        )
    ],
    "people:person_detail": [Case("GET", frozenset(SEES_RECORD), kwargs=_person)],
    "people:person_edit": [
        Case("GET", frozenset(EDITS_RECORD), kwargs=_person),
        Case("POST", frozenset(EDITS_RECORD), kwargs=_person, data=lambda w: {"first_name": ""}),
    ],
    "people:person_delete": [
        Case("POST", frozenset(EDITS_RECORD), kwargs=_person, effect=_person_deleted)
    ],
    "people:organization_list": [Case("GET", frozenset(EVERYONE))],
    "people:organization_create": [
        Case("GET", frozenset(WRITERS)),
        Case("POST", frozenset(WRITERS), data=lambda w: {"name": "New Org"}),
    ],
    "people:organization_bulk": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            data=lambda w: {"action": "tag", "tags": "matrix", "ids": [w.org.pk]},
            effect=lambda w: w.org.tags.filter(name="matrix").exists(),
        )
    ],
    "people:organization_detail": [Case("GET", frozenset(SEES_RECORD), kwargs=_org)],
    "people:organization_edit": [
        Case("GET", frozenset(EDITS_RECORD), kwargs=_org),
        Case("POST", frozenset(EDITS_RECORD), kwargs=_org, data=lambda w: {"name": ""}),
    ],
    "people:organization_delete": [Case("POST", frozenset(EDITS_RECORD), kwargs=_org)],
    "people:saved_view_create": [
        Case(
            "POST",
            frozenset(EVERYONE),
            kwargs=lambda w: {"entity": "person"},
            data=lambda w: {"name": "Mine", "query": "tag=vip"},
        )
    ],
    "people:saved_view_delete": [
        Case(
            "POST",
            frozenset({"rep"}),
            kwargs=lambda w: {"pk": w.saved_view.pk},
            effect=lambda w: not SavedView.objects.filter(pk=w.saved_view.pk).exists(),
        )
    ],
    "people:search": [Case("GET", frozenset(EVERYONE), data=lambda w: {"q": "ana"})],
    "people:custom_field_list": [
        Case("GET", frozenset(ADMIN)),
        Case(
            "POST",
            frozenset(ADMIN),
            data=lambda w: {
                "entity": "person",
                "key": "shoe",
                "label": "Shoe",
                "field_type": "number",
            },
        ),
    ],
    "people:custom_field_edit": [
        Case("GET", frozenset(ADMIN), kwargs=lambda w: {"pk": w.field_def.pk}),
        Case(
            "POST",
            frozenset(ADMIN),
            kwargs=lambda w: {"pk": w.field_def.pk},
            data=lambda w: {"label": "Tier"},
        ),
    ],
    "people:custom_field_delete": [
        Case(
            "POST",
            frozenset(ADMIN),
            kwargs=lambda w: {"pk": w.field_def.pk},
            effect=lambda w: not CustomFieldDefinition.objects.filter(pk=w.field_def.pk).exists(),
        )
    ],
}

# API operations: (METHOD, OpenAPI path) → case. Paths are relative to /api/v1.
API: dict[tuple[str, str], Case] = {
    ("GET", "/people"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/people"): Case("POST", frozenset(WRITERS), data=lambda w: {"first_name": "Api"}),
    ("GET", "/people/{person_id}"): Case("GET", frozenset(SEES_RECORD)),
    ("PATCH", "/people/{person_id}"): Case(
        "PATCH", frozenset(EDITS_RECORD), data=lambda w: {"title": "CEO"}
    ),
    ("DELETE", "/people/{person_id}"): Case(
        "DELETE", frozenset(EDITS_RECORD), effect=_person_deleted
    ),
    ("POST", "/people/{person_id}/restore"): Case("POST", frozenset(EDITS_RECORD)),
    ("GET", "/organizations"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/organizations"): Case(
        "POST", frozenset(WRITERS), data=lambda w: {"name": "Api Org"}
    ),
    ("GET", "/organizations/{organization_id}"): Case("GET", frozenset(SEES_RECORD)),
    ("PATCH", "/organizations/{organization_id}"): Case(
        "PATCH", frozenset(EDITS_RECORD), data=lambda w: {"industry": "Food"}
    ),
    ("DELETE", "/organizations/{organization_id}"): Case("DELETE", frozenset(EDITS_RECORD)),
    ("POST", "/organizations/{organization_id}/restore"): Case("POST", frozenset(EDITS_RECORD)),
    ("GET", "/organizations/{organization_id}/people"): Case("GET", frozenset(SEES_RECORD)),
    ("GET", "/custom-fields"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/custom-fields"): Case(
        "POST",
        frozenset(ADMIN),
        data=lambda w: {"entity": "person", "key": "shoe", "label": "Shoe", "field_type": "number"},
    ),
    ("GET", "/custom-fields/{definition_id}"): Case("GET", frozenset(EVERYONE)),
    ("PATCH", "/custom-fields/{definition_id}"): Case(
        "PATCH", frozenset(ADMIN), data=lambda w: {"label": "Tier"}
    ),
    ("DELETE", "/custom-fields/{definition_id}"): Case("DELETE", frozenset(ADMIN)),
    ("GET", "/me"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/users"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/users/{user_id}"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/teams"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/teams/{team_id}"): Case("GET", frozenset(EVERYONE)),
}
# Routes that are not operations of their own: the schema, its docs page, the API
# root and the JSON 404 for unknown API paths.
API_INFRASTRUCTURE = {"api:openapi-json", "api:openapi-view", "api:api-root", "api:unknown_path"}


def _page_names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _page_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


def test_every_route_is_in_the_matrix(client: Client, db: Any) -> None:
    # Every page route is described...
    names = set(_page_names(get_resolver().url_patterns))
    unknown_pages = {n for n in names if not n.startswith("api:")} - set(PAGES)
    assert unknown_pages == set(), (
        f"add these pages to the permission matrix: {sorted(unknown_pages)}"
    )
    assert names >= API_INFRASTRUCTURE
    # ...and so is every API operation in the OpenAPI document.
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert operations - set(API) == set(), (
        f"add these API operations to the matrix: {sorted(operations - set(API))}"
    )
    assert set(API) - operations == set(), f"stale matrix entries: {sorted(set(API) - operations)}"


@pytest.fixture
def world(workspace: Any, make_person: Any, make_org: Any) -> World:
    from rapport.people.custom_field_services import custom_field_create

    org = make_org(actor=workspace.rep, name="Matrix Org")
    person = make_person(
        actor=workspace.rep,
        first_name="Ana",
        organizations=[{"organization_id": org.pk, "role": "CTO"}],
    )
    field_def = custom_field_create(
        actor=workspace.admin,
        data={
            "entity": "person",
            "key": "tier",
            "label": "Tier",
            "field_type": "choice",
            "choices": ["gold", "silver"],
        },
    )
    saved_view = SavedView.objects.create(
        user=workspace.rep, entity="person", name="Rick's view", query="tag=vip"
    )
    users = {**workspace.by_role(), "rep2": workspace.rep2}
    return World(
        person=person,
        org=org,
        field_def=field_def,
        saved_view=saved_view,
        users=users,
        teams={"north": workspace.north, "south": workspace.south},
    )


def _login(client: Client, world: World, role: str) -> None:
    if role != "anonymous":
        client.force_login(world.users[role])


def _page_cases() -> Iterator[Any]:
    for name, cases in PAGES.items():
        for case in cases:
            for role in ROLES:
                yield pytest.param(name, case, role, id=f"{name}-{case.method}-{role}")


@pytest.mark.parametrize(("name", "case", "role"), list(_page_cases()))
def test_page_permissions(client: Client, world: World, name: str, case: Case, role: str) -> None:
    # Given a user of this role
    _login(client, world, role)
    url = reverse(name, kwargs=case.kwargs(world))
    # When they use the page
    if case.method == "GET":
        response = client.get(url, case.data(world))
    else:
        response = client.post(url, case.data(world))
    status = response.status_code
    login_redirect = status == 302 and "/accounts/login/" in response.get("Location", "")
    # Then the outcome matches the matrix
    if role in case.allowed:
        # 422 is a form returned with field errors: the user was let in and the input judged.
        assert (status < 400 or status == 422) and (case.ends_at_login or not login_redirect), (
            f"{role} should be able to {case.method} {url}: {status}"
        )
        if case.effect is not None:
            assert case.effect(world), (
                f"{role}: {case.method} {url} answered {status} but did nothing"
            )
    elif role == "anonymous":
        assert login_redirect or case.ends_at_login, (
            f"anonymous {case.method} {url} should go to the login page, got {status}"
        )
    else:
        if case.effect is not None:
            assert not case.effect(world), f"{role} changed data through {case.method} {url}"
            assert status < 500
        else:
            assert status in (403, 404), (
                f"{role} should be refused {case.method} {url}, got {status}"
            )


def _api_cases() -> Iterator[Any]:
    for (method, path), case in API.items():
        for role in ROLES:
            yield pytest.param(method, path, case, role, id=f"{method}-{path}-{role}")


def _api_url(path: str, world: World) -> str:
    return "/api/v1" + path.format(
        person_id=world.person.pk,
        organization_id=world.org.pk,
        definition_id=world.field_def.pk,
        user_id=world.users["rep"].pk,
        team_id=world.teams["north"].pk,
    )


@pytest.mark.parametrize(("method", "path", "case", "role"), list(_api_cases()))
def test_api_permissions(
    client: Client, world: World, method: str, path: str, case: Case, role: str
) -> None:
    # Given a script holding a token of this role (or no token at all)
    headers: dict[str, str] = {}
    if role != "anonymous":
        _, secret = token_create(user=world.users[role], name="matrix")
        headers["Authorization"] = f"Bearer {secret}"
    url = _api_url(path, world)
    # When it calls the operation
    body = case.data(world)
    if method == "GET":
        response = client.get(url, headers=headers)
    else:
        response = client.generic(
            method,
            url,
            data=json.dumps(body) if body else "",
            content_type="application/json",
            headers=headers,
        )
    status = response.status_code
    # Then the outcome matches the matrix, with errors under "detail"
    if role == "anonymous":
        assert status == 401 and "detail" in response.json()
    elif role in case.allowed:
        assert status < 400, (
            f"{role} should be able to {method} {url}: {status} {response.content[:300]!r}"
        )
        if case.effect is not None:
            assert case.effect(world)
    else:
        assert status in (403, 404), f"{role} should be refused {method} {url}, got {status}"
        assert "detail" in response.json()
        if case.effect is not None:
            assert not case.effect(world)
