"""The duplicate check for people: scored by the workspace's match model.

The match model is the one the last people scan fitted (``ModelState``), or until then
one fitted on the engine's synthetic CRM data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from rapport.accounts.models import User
from rapport.dedupe.check.core import CHECK_THRESHOLD, ScoreText, likely_duplicates
from rapport.dedupe.keys import profile_keys
from rapport.dedupe.models import ModelState
from rapport.dedupe.profiles import Profile, default_region, profile_label, to_record
from rapport_analytics.matching import MatchModel, RecordTable, pair_reasons
from rapport_analytics.matching.comparisons import compare_pairs


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


def current_model(entity: str = "person") -> MatchModel:
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

    return likely_duplicates("person", user=user, keys=profile_keys(profile),
                             record_id=person_id, limit=limit, score=rate)  # fmt: skip


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
                label=profile_label("person", data) or f"Person {ids[k]}",
                email=(data.get("emails") or [""])[0],
                phone=(data.get("phones") or [""])[0],
                score=float(scores[k]),
                reasons=tuple(reasons),
            )
        )
    return out
