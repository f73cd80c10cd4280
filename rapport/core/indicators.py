"""Where apps contribute indicators: a key, a precise definition, a unit, and two functions.

Each app registers its own in ``rapport/<app>/indicators.py`` from its
``AppConfig.ready()``; the playbook pages, the snapshot job and the API loop over
what is registered, so they never import feature apps. ``docs/indicators.md``
gives every definition in words.

An indicator is measured over a :class:`Scope`: a partition of the records
(the whole workspace, one team's records, one owner's records) seen by one
viewer. ``compute(scope)`` returns a :class:`Reading` over the records the
viewer may see (``viewer=None`` is the nightly job, which sees everything);
``drilldown(scope)`` returns the people behind the number, through the same
filter, so a rep never counts or lists a record they may not see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

from django.db.models import Model, QuerySet

from rapport.accounts.access import read_scope, visible_to
from rapport.accounts.models import Role, User, Visibility, WorkspaceSettings

if TYPE_CHECKING:
    from rapport.people.models import Person

M = TypeVar("M", bound=Model)

ScopeKind = Literal["workspace", "team", "owner"]
SCOPE_KINDS: tuple[ScopeKind, ...] = ("workspace", "team", "owner")
Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind = "workspace"
    id: int | None = None  # the team's or the owner's id
    viewer: User | None = None

    def owned(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """``queryset`` (of records with ``owner_id`` / ``team_id``) cut to this scope."""
        if self.kind == "team":
            queryset = queryset.filter(team_id=self.id)
        elif self.kind == "owner":
            queryset = queryset.filter(owner_id=self.id)
        return queryset if self.viewer is None else visible_to(queryset, self.viewer)

    def people(self) -> QuerySet[Person]:
        """The live (not deleted) people in scope that the viewer may see."""
        from rapport.people.models import Person

        return self.owned(Person.objects.alive())

    def members(self) -> QuerySet[User]:
        """The users whose work this scope covers (tasks are assigned to users, not owned)."""
        users = User.objects.all()
        if self.kind == "team":
            return users.filter(teams=self.id)
        if self.kind == "owner":
            return users.filter(pk=self.id or 0)
        return users

    def sees_everything_in_it(self) -> bool:
        """Whether the viewer may see every record of the partition, so the stored
        snapshot (computed over all of it) may be shown to them."""
        if self.viewer is None or read_scope(self.viewer) is None:
            return True
        viewer = self.viewer
        if self.kind == "owner":
            return self.id == viewer.pk and viewer.is_active
        if self.kind == "team" and self.id in viewer.team_ids:
            # Managers see their teams' records; so do reps and viewers unless the
            # workspace is private, where they see only their own.
            return viewer.role == Role.MANAGER or (
                WorkspaceSettings.current().visibility != Visibility.PRIVATE
            )
        return False

    def for_job(self) -> Scope:
        return Scope(self.kind, self.id, None)


@dataclass(frozen=True)
class Reading:
    value: float | None  # None: nothing to measure yet (no customers, no scores)
    breakdown: dict[str, float] = field(default_factory=dict)  # per tier, per source…


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    definition: str
    unit: str  # "share" (0–1, shown as %), "count", "days", "currency", "index"
    better: Better
    compute: Callable[[Scope], Reading]
    drilldown: Callable[[Scope], QuerySet[Person]] | None
    scopes: tuple[ScopeKind, ...]
    drilldown_label: str = ""


_INDICATORS: dict[str, Indicator] = {}


def register_indicator(
    key: str,
    *,
    name: str,
    definition: str,
    unit: str,
    better: Better = "higher",
    scopes: Sequence[ScopeKind] = SCOPE_KINDS,
    compute: Callable[[Scope], Reading],
    drilldown: Callable[[Scope], QuerySet[Person]] | None = None,
    drilldown_label: str = "",
) -> None:
    if better not in ("higher", "lower"):
        raise ValueError(f"better must be 'higher' or 'lower', not {better!r}")
    existing = _INDICATORS.get(key)
    if existing is not None and existing.compute is not compute:
        raise ValueError(f"indicator {key!r} is registered twice")
    _INDICATORS[key] = Indicator(
        key, name, definition, unit, better, compute, drilldown, tuple(scopes), drilldown_label
    )


def indicator(key: str) -> Indicator | None:
    return _INDICATORS.get(key)


def indicators() -> list[Indicator]:
    return sorted(_INDICATORS.values(), key=lambda i: i.key)


def share(part: int, whole: int) -> Reading:
    """``part / whole``, or no value when there is nothing to divide."""
    return Reading(part / whole if whole else None)


def parse_scope(text: str, *, viewer: User | None) -> Scope:
    """``workspace`` (or empty), ``team:<id>`` or ``owner:<id>``, as in page and API
    parameters; the viewer's visibility always applies on top."""
    from rapport.core.errors import ValidationFailed

    text = (text or "workspace").strip()
    if text == "workspace":
        return Scope(viewer=viewer)
    kind, _, raw_id = text.partition(":")
    if kind not in ("team", "owner") or not raw_id.isdigit() or len(raw_id) > 18:
        raise ValidationFailed({"scope": ["Use “workspace”, “team:<id>” or “owner:<id>”."]})
    return Scope(kind, int(raw_id), viewer)  # type: ignore[arg-type]  # kind checked above


def scope_param(scope: Scope) -> str:
    return "workspace" if scope.kind == "workspace" else f"{scope.kind}:{scope.id}"


def drilldown_people(key: str, scope: Scope) -> QuerySet[Person]:
    """The people behind indicator ``key`` in ``scope`` (the people list's ``?indicator=``)."""
    from rapport.core.errors import ValidationFailed

    found = indicator(key)
    if found is None or found.drilldown is None:
        raise ValidationFailed({"indicator": ["No such indicator, or it has no list of people."]})
    return found.drilldown(scope)
