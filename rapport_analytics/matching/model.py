"""Fellegi-Sunter match model: per-level m/u probabilities, learned by EM.

u (how often a level occurs between unrelated records) is measured on random
pairs; m (how often it occurs between duplicates) and the share of matches
among candidate pairs are found by expectation-maximisation over candidate
pairs. Reviewed pairs enter EM with their answer fixed, so a workspace's
labels pull the estimates towards what its reviewers decided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .comparisons import COMPARISON_INDEX, COMPARISONS, N_COMPARISONS

__all__ = ["EmReport", "MatchModel", "estimate_u", "run_em"]

Levels = npt.NDArray[np.int8]
Floats = npt.NDArray[np.float64]

_EPS = 1e-6
SCORE_BATCH = 1_000_000
_FIRST = COMPARISON_INDEX["first_name"]
_LOCATION = COMPARISON_INDEX["location"]
_BIRTH = COMPARISON_INDEX["birth_date"]
_EMAIL = COMPARISON_INDEX["email"]
_EXTERNAL_ID = COMPARISON_INDEX["external_id"]
_BIRTH_EXACT = COMPARISONS[_BIRTH].n_levels - 1
_ORGANISATION = COMPARISON_INDEX["organisation"]


def _default_m(n_levels: int) -> Floats:
    # Duplicates mostly agree: weight rises steeply towards the top level.
    raw = np.array([2.0**k for k in range(n_levels)], dtype=np.float64)
    return raw / raw.sum()


def _default_u(n_levels: int) -> Floats:
    raw = np.array([0.5**k for k in range(n_levels)], dtype=np.float64)
    raw[0] = 20.0
    return raw / raw.sum()


@dataclass(slots=True)
class EmReport:
    iterations: int
    converged: bool
    match_share: float


@dataclass(slots=True)
class MatchModel:
    """m/u per comparison level and the prior share of matches among candidates."""

    m: list[Floats] = field(default_factory=lambda: [_default_m(c.n_levels) for c in COMPARISONS])
    u: list[Floats] = field(default_factory=lambda: [_default_u(c.n_levels) for c in COMPARISONS])
    match_share: float = 0.05

    def weights(self) -> list[Floats]:
        """log2(m/u) for every level of every comparison (the Bayes factors in bits)."""
        return [
            np.log2(np.maximum(m, _EPS) / np.maximum(u, _EPS))
            for m, u in zip(self.m, self.u, strict=True)
        ]

    def weight_table(self) -> npt.NDArray[np.float64]:
        """Weights as a (comparison, level+1) table; column 0 is the blank level (weight 0)."""
        width = max(c.n_levels for c in COMPARISONS) + 1
        table = np.zeros((N_COMPARISONS, width), dtype=np.float64)
        for k, w in enumerate(self.weights()):
            table[k, 1 : len(w) + 1] = w
        return table

    def pair_weights(self, levels: Levels) -> npt.NDArray[np.float64]:
        """Per-pair, per-comparison weight in bits (0 where a side is blank).

        Household rule: relatives share an address and landline, colleagues an
        employer, so when first names clearly differ that shared context is
        explained by living or working together and may not count in favour.
        """
        table = self.weight_table()
        weights = table[np.arange(N_COMPARISONS)[None, :], levels.astype(np.int64) + 1]
        # Exception: the same birth date *and* the same external id or e-mail
        # point to one person whose first name was entered wrongly, not twins.
        personal_ids_agree = (levels[:, _BIRTH] == _BIRTH_EXACT) & (
            (levels[:, _EXTERNAL_ID] >= 1) | (levels[:, _EMAIL] == 2)
        )
        different_person = (levels[:, _FIRST] == 0) & ~personal_ids_agree
        for shared in (_LOCATION, _ORGANISATION):
            weights[:, shared] = np.where(
                different_person, np.minimum(weights[:, shared], 0.0), weights[:, shared]
            )
        return weights

    def log_odds(self, levels: Levels) -> npt.NDArray[np.float64]:
        """Prior plus evidence in bits, per pair; computed in batches, because the
        per-comparison weights of 20 million pairs would take 1 GB at once."""
        prior = math.log2(self.match_share / (1.0 - self.match_share))
        out = np.empty(len(levels), dtype=np.float64)
        for start in range(0, len(levels), SCORE_BATCH):
            part = levels[start : start + SCORE_BATCH]
            out[start : start + len(part)] = self.pair_weights(part).sum(axis=1)
        out += prior
        return out

    def score(self, levels: Levels) -> npt.NDArray[np.float64]:
        """Probability in 0..1 that each pair is a duplicate (in place: no temporaries)."""
        odds = self.log_odds(levels)
        np.clip(odds, -60, 60, out=odds)
        np.negative(odds, out=odds)
        np.exp2(odds, out=odds)
        odds += 1.0
        return np.reciprocal(odds, out=odds)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, so the app can store a model per workspace."""
        return {
            "match_share": self.match_share,
            "comparisons": {
                spec.name: {"m": m.tolist(), "u": u.tolist()}
                for spec, m, u in zip(COMPARISONS, self.m, self.u, strict=True)
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchModel:
        comps = data["comparisons"]
        return cls(
            m=[np.asarray(comps[c.name]["m"], dtype=np.float64) for c in COMPARISONS],
            u=[np.asarray(comps[c.name]["u"], dtype=np.float64) for c in COMPARISONS],
            match_share=float(data["match_share"]),
        )


def _level_frequencies(levels: Levels, weights: Floats, smoothing: float) -> list[Floats]:
    out: list[Floats] = []
    for k, spec in enumerate(COMPARISONS):
        column = levels[:, k].astype(np.int64)
        present = column >= 0
        counts = np.bincount(column[present], weights=weights[present], minlength=spec.n_levels)
        smoothed = counts[: spec.n_levels].astype(np.float64) + smoothing
        out.append(smoothed / smoothed.sum())
    return out


def estimate_u(
    random_levels: Levels, *, non_match_levels: Levels | None = None, label_weight: float = 20.0
) -> list[Floats]:
    """u probabilities from random (almost surely unrelated) pairs, plus pairs
    reviewers marked "not a duplicate", each counting ``label_weight`` times."""
    weights = np.ones(len(random_levels))
    if non_match_levels is not None and len(non_match_levels):
        random_levels = np.concatenate([random_levels, non_match_levels])
        weights = np.concatenate([weights, np.full(len(non_match_levels), label_weight)])
    return _level_frequencies(random_levels, weights, smoothing=1.0)


def _patterns(levels: Levels) -> tuple[Levels, Floats]:
    """Distinct level rows (in code order) and how many input rows have each."""
    # One small code per row (mixed radix: under 100,000 possible patterns), built a
    # column at a time and counted, never sorted: a 20-million-row scan stays small.
    radix = np.array([c.n_levels + 1 for c in COMPARISONS], dtype=np.int64)
    place = np.concatenate([[1], np.cumprod(radix[:-1])])
    codes = np.zeros(len(levels), dtype=np.int32)
    for k in range(N_COMPARISONS):
        codes += (levels[:, k].astype(np.int32) + 1) * np.int32(place[k])
    counts = np.bincount(codes, minlength=int(np.prod(radix)))
    unique = np.flatnonzero(counts)
    patterns = ((unique[:, None] // place[None, :]) % radix[None, :] - 1).astype(np.int8)
    return patterns, counts[unique].astype(np.float64)


def run_em(
    model: MatchModel,
    levels: Levels,
    *,
    labelled_levels: Levels | None = None,
    labelled_is_match: npt.NDArray[np.bool_] | None = None,
    label_weight: float = 20.0,
    update_m: bool = True,
    max_iterations: int = 60,
    tolerance: float = 1e-5,
) -> EmReport:
    """Update ``model`` in place by EM over pair levels: m (unless ``update_m`` is
    False) and the match share; u stays as measured on random pairs. Labelled
    pairs take part with their answer fixed and weight ``label_weight`` each."""
    patterns, counts = _patterns(levels)
    if labelled_levels is not None and labelled_is_match is not None and len(labelled_levels):
        fixed_levels = labelled_levels
        fixed_resp = labelled_is_match.astype(np.float64)
        fixed_counts = np.full(len(labelled_levels), label_weight, dtype=np.float64)
    else:
        fixed_levels = np.zeros((0, N_COMPARISONS), dtype=np.int8)
        fixed_resp = np.zeros(0)
        fixed_counts = np.zeros(0)
    all_levels = np.concatenate([patterns, fixed_levels])
    all_counts = np.concatenate([counts, fixed_counts])
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported below
        resp = model.score(patterns)
        change = abs(float((counts * resp).sum() / counts.sum()) - model.match_share)
        model.match_share = min(max(float((counts * resp).sum() / counts.sum()), 1e-9), 0.999)
        if update_m:
            all_resp = np.concatenate([resp, fixed_resp])
            new_m = _level_frequencies(all_levels, all_counts * all_resp, smoothing=0.01)
            change = max(
                change, *(float(np.abs(a - b).max()) for a, b in zip(new_m, model.m, strict=True))
            )
            model.m = new_m
        if change < tolerance:
            converged = True
            break
    return EmReport(iterations=iteration, converged=converged, match_share=model.match_share)
