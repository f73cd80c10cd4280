"""Every URL and every API operation, for every role.

The test walks Django's URL resolver and the API's OpenAPI document. A route
that no ``matrix_*.py`` module describes fails the test, so no endpoint can ship
without someone deciding who may use it.

Given team visibility, the records belong to rick (rep, team North): admin, the
North manager, rick and the North viewer may see them; sam (rep, team South) may
not. Writes are for admin, manager and rick; the viewer is refused. Admin
settings are for the admin only.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rapport.accounts.services import token_create
from rapport.people.models import SavedView
from tests.rapport.security.matrix import ROLES, Case, GiveAway, World

# Routes that are not operations of their own: the schema, its docs page, the API
# root and the JSON 404 for unknown API paths.
API_INFRASTRUCTURE = {"api:openapi-json", "api:openapi-view", "api:api-root", "api:unknown_path"}


def _spec_modules() -> list[ModuleType]:
    here = Path(__file__).parent
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("matrix_")
    )
    return [importlib.import_module(f"tests.rapport.security.{name}") for name in names]


SPECS = _spec_modules()
PAGES: dict[str, list[Case]] = {name: cases for m in SPECS for name, cases in m.PAGES.items()}
API: dict[tuple[str, str], Case] = {
    op: case for m in SPECS for op, case in getattr(m, "API", {}).items()
}
GIVE_AWAY: list[GiveAway] = [case for m in SPECS for case in getattr(m, "GIVE_AWAY", [])]


def _page_names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _page_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


def test_every_route_is_in_the_matrix(client: Client, db: Any, settings: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "API_DOCS_PUBLIC": True}  # read the schema anonymously
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
    result = World(
        person=person, org=org, field_def=field_def, saved_view=saved_view, users=users,
        teams={"north": workspace.north, "south": workspace.south},
    )  # fmt: skip
    for module in SPECS:
        extend = getattr(module, "extend_world", None)
        if extend is not None:
            extend(result)
    return result


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
    elif case.effect is not None:
        assert not case.effect(world), f"{role} changed data through {case.method} {url}"
        assert status < 500
    else:
        assert status in (403, 404), f"{role} should be refused {case.method} {url}, got {status}"


def _api_cases() -> Iterator[Any]:
    for (method, path), case in API.items():
        for role in ROLES:
            yield pytest.param(method, path, case, role, id=f"{method}-{path}-{role}")
    # More cases of operations already in API, on other records (e.g. another team's):
    # ``API_MORE`` lists (method, path, case) with the path parameters in ``case.kwargs``.
    more = [entry for m in SPECS for entry in getattr(m, "API_MORE", [])]
    for n, (method, path, case) in enumerate(more):
        assert (method, path) in API, f"API_MORE names an unknown operation {method} {path}"
        for role in ROLES:
            yield pytest.param(method, path, case, role, id=f"{method}-{path}-more{n}-{role}")


def _api_url(path: str, world: World, case: Case | None = None) -> str:
    params: dict[str, Any] = {}
    for module in SPECS:
        path_params = getattr(module, "API_PATH_PARAMS", None)
        if path_params is not None:
            params.update(path_params(world))
    if case is not None:
        params.update(case.kwargs(world))
    return "/api/v1" + path.format(**params)


@pytest.mark.parametrize(("method", "path", "case", "role"), list(_api_cases()))
def test_api_permissions(
    client: Client, world: World, method: str, path: str, case: Case, role: str
) -> None:
    # Given a script holding a token of this role (or no token at all)
    headers: dict[str, str] = {}
    if role != "anonymous":
        _, secret = token_create(user=world.users[role], name="matrix")
        headers["Authorization"] = f"Bearer {secret}"
    url = _api_url(path, world, case)
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


@pytest.mark.parametrize("case", GIVE_AWAY, ids=[c.name for c in GIVE_AWAY])
def test_a_write_that_gives_the_record_away_answers_success(
    client: Client, world: World, case: GiveAway
) -> None:
    from rapport.accounts.services import workspace_set_visibility

    # Given the workspace visibility, and rick (rep, North) who owns the matrix records
    workspace_set_visibility(visibility=case.visibility)
    rick = world.users["rep"]
    # When he writes so that the record is no longer his to see
    body = case.data(world)
    if case.api:
        _, secret = token_create(user=rick, name="matrix")
        response = client.generic(case.method, case.url(world), data=json.dumps(body),
                                  content_type="application/json",
                                  headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    else:
        client.force_login(rick)
        response = client.post(case.url(world), body)
    # Then the write committed and the answer says so, showing nothing he may not see
    assert response.status_code == case.status, response.content[:300]
    assert case.committed(world)
    if case.api:
        answer = response.json()
        assert set(answer) == {"id", "visible", "detail"} and answer["visible"] is False
        assert "ETag" not in response and "Location" not in response
    else:
        target = response["Location"]
        assert target.endswith(("/people/", "/organizations/")), target
        page = client.get(target)
        assert page.status_code == 200 and "You can no longer see" in page.content.decode()
