"""What the duplicate check does for every kind of record: likely duplicates of one not yet saved.

Candidates come from the blocking-key table (one indexed query), are scored by the
kind's own rule (``check.people``, ``check.organizations``) and are narrowed to live
records the user may see that nobody judged "not a duplicate" (``likely_duplicates``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.core.entities import entity_kind
from rapport.dedupe.keys import candidate_ids
from rapport.dedupe.models import DuplicateDecision, MatchProfile
from rapport.dedupe.profiles import PROFILE_READERS, Profile
from rapport_analytics.matching import reason_text

CHECK_THRESHOLD = 0.5
CANDIDATES_PER_KEY = 100
CANDIDATES_SCORED = 40


class Scored(Protocol):
    """A likely duplicate of either kind, as the warning box, panel and API show it."""

    @property
    def id(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def detail(self) -> str:
        """The one more thing the warning box shows beside the name ("" for nothing)."""
        ...

    @property
    def summary(self) -> str: ...


C = TypeVar("C", bound=Scored)


class ScoreText:
    """The words of a candidate's score: "same phone, similar first name, 92%"."""

    score: float
    reasons: tuple[str, ...]

    @property
    def summary(self) -> str:
        return reason_text(list(self.reasons), self.score)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _profiles(entity: str, ids: list[int]) -> dict[int, Profile]:
    stored = dict(
        MatchProfile.objects.filter(entity=entity, record_id__in=ids).values_list(
            "record_id", "data"
        )
    )
    missing = [pk for pk in ids if pk not in stored]
    if missing:  # written by a path that skipped the key refresh: read them directly
        stored.update(PROFILE_READERS[entity](missing))
    return stored


def dismissed_of(record_id: int | None, entity: str = "person") -> set[int]:
    """Records already judged "not a duplicate" (or merged) of ``record_id``."""
    if not record_id:
        return set()
    rows = (
        DuplicateDecision.objects.filter(entity=entity)
        .filter(record_a=record_id)
        .values_list("record_b", flat=True)
        .union(
            DuplicateDecision.objects.filter(entity=entity, record_b=record_id).values_list(
                "record_a", flat=True
            )
        )
    )
    return {int(r) for r in rows}


def likely_duplicates(
    entity: str,
    *,
    user: User,
    keys: Sequence[tuple[str, int]],
    record_id: int | None,
    limit: int,
    score: Callable[[list[int], dict[int, Profile]], list[C]],
) -> list[C]:
    """The records sharing any of ``keys`` that ``score`` rates likely (best first),
    narrowed to live ones ``user`` may see, at most ``limit``. ``record_id``: the record
    being edited (left out, with the records already judged "not a duplicate" of it).

    ``score(ids, profiles)`` gets the candidates that have a profile, in the order of
    the evidence they share."""
    found = candidate_ids(keys, per_key=CANDIDATES_PER_KEY, limit=CANDIDATES_SCORED,
                          exclude=record_id)  # fmt: skip
    if not found:
        return []
    profiles = _profiles(entity, found)
    # Score first, then check visibility and the trash for the few that pass: reading
    # a handful of rows is what keeps a check fast at a million records.
    scored = score([pk for pk in found if pk in profiles], profiles)
    if not scored:
        return []
    model = entity_kind(entity).model
    allowed = set(
        visible_to(model.objects.alive(), user)
        .filter(pk__in=[c.id for c in scored])
        .values_list("pk", flat=True)
    ) - dismissed_of(record_id, entity)
    return [c for c in scored if c.id in allowed][:limit]
