"""Django fixtures shared by the app's tests: a workspace with two teams and a user of
every role, record factories, an API client, and autouse settings for speed.

The browser tests import them too (tests/browser/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

PASSWORD = "correct horse battery staple"


@dataclass
class Workspace:
    admin: Any
    manager: Any  # manages team "North"
    rep: Any  # rep in "North"
    rep2: Any  # another rep in "North"
    other_rep: Any  # rep in team "South"
    viewer: Any  # viewer in "North"
    north: Any
    south: Any

    def by_role(self) -> dict[str, Any]:
        return {
            "admin": self.admin, "manager": self.manager, "rep": self.rep,
            "other_rep": self.other_rep, "viewer": self.viewer,
        }  # fmt: skip


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    # Argon2 is deliberately slow; tests that do not test hashing use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # The manifest storage needs collectstatic first; tests use the finders instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _huey_immediate(request: Any) -> Any:
    """Jobs run inline, in memory, unless a test asks for the real worker
    (``@pytest.mark.real_worker``), which then runs ``rapport worker`` itself."""
    from huey.contrib.djhuey import HUEY

    if request.node.get_closest_marker("real_worker"):
        yield
        return
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache
    from django.db import connection

    from rapport.core.ratelimit import rate_reset

    cache.clear()
    if connection.vendor == "sqlite":  # counted in a file of its own; PostgreSQL rolls back
        rate_reset()


@pytest.fixture
def workspace(db: Any) -> Workspace:
    from rapport.accounts.models import Role
    from rapport.accounts.services import team_get_or_create, user_create

    north = team_get_or_create(name="North")
    south = team_get_or_create(name="South")

    def make(username: str, role: str, team: Any | None) -> Any:
        user, _ = user_create(username=username, role=role, password=PASSWORD,
                              teams=[team] if team else None, email=f"{username}@example.com")  # fmt: skip
        return user

    return Workspace(
        admin=make("alice", Role.ADMIN, None),
        manager=make("mona", Role.MANAGER, north),
        rep=make("rick", Role.REP, north),
        rep2=make("rita", Role.REP, north),
        other_rep=make("sam", Role.REP, south),
        viewer=make("vic", Role.VIEWER, north),
        north=north,
        south=south,
    )


@pytest.fixture
def make_person(workspace: Workspace) -> Callable[..., Any]:
    from rapport.people.services import person_create

    def make(actor: Any = None, **data: Any) -> Any:
        data.setdefault("first_name", "Ana")
        data.setdefault("last_name", "Souza")
        return person_create(actor=actor or workspace.rep, data=data)

    return make


@pytest.fixture
def make_org(workspace: Workspace) -> Callable[..., Any]:
    from rapport.people.services import organization_create

    def make(actor: Any = None, **data: Any) -> Any:
        data.setdefault("name", "Acme Bakery")
        return organization_create(actor=actor or workspace.rep, data=data)

    return make


@pytest.fixture
def api_as(db: Any) -> Callable[[Any], Any]:
    """A test client that sends ``Authorization: Bearer <a new token of user>``."""
    from django.test import Client

    from rapport.accounts.services import token_create

    def make(user: Any) -> Client:
        _, secret = token_create(user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make
