"""The duplicate check on create and edit: likely duplicates of a record not yet saved.

Candidates come from the blocking-key table (one indexed query), are scored, and
are narrowed to live records the user may see that nobody judged "not a duplicate"
(``likely_duplicates``, for people and organisations alike). People are scored here
by the workspace's match model; organisations in ``rapport.dedupe.orgcheck``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol, TypeVar

import numpy as np

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.dedupe.keys import candidate_ids, profile_keys
from rapport.dedupe.models import DuplicateDecision, Entity, MatchProfile, ModelState
from rapport.dedupe.profiles import (
    Profile,
    default_region,
    organization_profiles,
    person_profiles,
    profile_label,
    to_record,
)
from rapport.people.models import Organization, Person
from rapport_analytics.matching import MatchModel, RecordTable, pair_reasons, reason_text
from rapport_analytics.matching.comparisons import compare_pairs

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


@dataclass(frozen=True)
class Candidate(ScoreText):
    """A likely duplicate: "Ana Souza, same phone, 92%"."""

    id: int
    label: str
    email: str
    phone: str
    score: float
    reasons: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.label

    @property
    def detail(self) -> str:
        return self.email


@lru_cache(maxsize=1)
def default_person_model_data() -> dict[str, Any]:
    """A model fitted on the engine's synthetic CRM data: used until the first scan fits
    one on the workspace's own people."""
    text = resources.files("rapport.dedupe").joinpath("data/default_person_model.json")
    return dict(json.loads(text.read_text("utf-8")))


_MODEL_CACHE: dict[tuple[int, str], MatchModel] = {}


def current_model(entity: str = Entity.PERSON) -> MatchModel:
    state = ModelState.objects.filter(entity=entity).values_list("pk", "fitted_at").first()
    if state is None:
        return MatchModel.from_dict(default_person_model_data())
    cache_key = (state[0], state[1].isoformat())
    model = _MODEL_CACHE.get(cache_key)
    if model is None:
        data = ModelState.objects.values_list("data", flat=True).get(pk=state[0])
        model = MatchModel.from_dict(data)
        _MODEL_CACHE.clear()
        _MODEL_CACHE[cache_key] = model
    return model


def _profiles(entity: str, ids: list[int]) -> dict[int, Profile]:
    stored = dict(
        MatchProfile.objects.filter(entity=entity, record_id__in=ids).values_list(
            "record_id", "data"
        )
    )
    missing = [pk for pk in ids if pk not in stored]
    if missing:  # written by a path that skipped the key refresh: read them directly
        read = person_profiles if entity == Entity.PERSON else organization_profiles
        stored.update(read(missing))
    return stored


def dismissed_of(record_id: int | None, entity: str = Entity.PERSON) -> set[int]:
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
    model = Person if entity == Entity.PERSON else Organization
    allowed = set(
        visible_to(model.objects.alive(), user)
        .filter(pk__in=[c.id for c in scored])
        .values_list("pk", flat=True)
    ) - dismissed_of(record_id, entity)
    return [c for c in scored if c.id in allowed][:limit]


def person_duplicates(
    *,
    user: User,
    profile: Profile,
    person_id: int | None = None,
    threshold: float = CHECK_THRESHOLD,
    limit: int = 5,
) -> list[Candidate]:
    """Live people ``user`` may see who are likely the person described by ``profile``,
    best first. ``person_id``: the person being edited (left out, with pairs already
    judged "not a duplicate")."""

    def rate(ids: list[int], profiles: dict[int, Profile]) -> list[Candidate]:
        return score_profiles(profile, ids, profiles, threshold=threshold, limit=limit * 3)

    return likely_duplicates(Entity.PERSON, user=user, keys=profile_keys(profile),
                             record_id=person_id, limit=limit, score=rate)  # fmt: skip


def duplicates_of(
    entity: str,
    *,
    user: User,
    profile: Profile,
    record_id: int | None = None,
    threshold: float = CHECK_THRESHOLD,
    limit: int = 5,
) -> Sequence[Scored]:
    """``person_duplicates`` or ``organization_duplicates``, by ``entity``."""
    if entity == Entity.PERSON:
        return person_duplicates(user=user, profile=profile, person_id=record_id,
                                 threshold=threshold, limit=limit)  # fmt: skip
    from rapport.dedupe.orgcheck import organization_duplicates  # it builds on this module

    return organization_duplicates(user=user, profile=profile, organization_id=record_id,
                                   threshold=threshold, limit=limit)  # fmt: skip


def score_profiles(
    profile: Profile,
    ids: list[int],
    profiles: dict[int, Profile],
    *,
    threshold: float,
    limit: int,
    model: MatchModel | None = None,
) -> list[Candidate]:
    if not ids:
        return []
    model = model or current_model()
    region = default_region()
    probe = RecordTable.from_records([to_record(0, profile)], default_region=region)
    table = RecordTable.from_records(
        (to_record(pk, profiles[pk]) for pk in ids), default_region=region
    )
    rows = np.arange(len(ids), dtype=np.int64)
    compared = compare_pairs(probe, table, np.zeros(len(ids), dtype=np.int64), rows)
    scores = model.score(compared.levels)
    best = [int(k) for k in np.argsort(-scores, kind="stable") if scores[k] >= threshold][:limit]
    out = []
    for k in best:
        data = profiles[ids[k]]
        reasons = pair_reasons(
            model, compared.levels[k], names_swapped=bool(compared.names_swapped[k])
        )
        out.append(
            Candidate(
                id=ids[k],
                label=profile_label(Entity.PERSON, data) or f"Person {ids[k]}",
                email=(data.get("emails") or [""])[0],
                phone=(data.get("phones") or [""])[0],
                score=float(scores[k]),
                reasons=tuple(reasons),
            )
        )
    return out
