"""The permission matrix's vocabulary: roles, the records every case acts on, cases.

Each ``matrix_*.py`` module beside this one describes the routes of one part of
Rapport as ``PAGES`` (URL name → cases) and ``API`` ((METHOD, OpenAPI path) →
case), and may define ``extend_world(world)`` to create the records its cases
need (stored in ``world.extra``) and ``API_PATH_PARAMS(world) -> dict`` for the
path parameters of its API operations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    extra: dict[str, Any] = field(default_factory=dict)


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


@dataclass(frozen=True)
class GiveAway:
    """A write by rick (rep, North) that leaves the record out of his sight: he gives it to
    rita (his team-mate) under *private* visibility, or also clears its team under *team*.

    The write commits, so it must answer as a success (``status``) — never a 404 — and
    ``committed`` must hold afterwards. API answers carry only ``{id, visible: false,
    detail}``; pages redirect to the list with a message.
    """

    name: str
    visibility: str
    api: bool
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    status: int
    committed: Callable[[World], bool]
