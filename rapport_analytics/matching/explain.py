"""Human reasons for a score: "same phone, similar first name, 92%"."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .comparisons import COMPARISONS
from .model import MatchModel

__all__ = ["pair_reasons", "reason_text"]

# Weights (bits) above/below which a comparison is worth mentioning.
_FOR = 1.0
_AGAINST = -3.0


def pair_reasons(
    model: MatchModel, levels: npt.NDArray[np.int8], *, names_swapped: bool = False, limit: int = 4
) -> list[str]:
    """Reasons for one pair's levels: strongest evidence for first, then strong evidence against."""
    weights = model.pair_weights(levels.reshape(1, -1))[0]
    ranked = np.argsort(-weights, kind="stable")
    reasons: list[str] = []
    if names_swapped:
        reasons.append("first and last names swapped")
    for k in ranked:
        level = int(levels[k])
        if level >= 0 and weights[k] >= _FOR:
            reasons.append(COMPARISONS[k].level_labels[level])
    for k in ranked[::-1]:
        level = int(levels[k])
        if level >= 0 and weights[k] <= _AGAINST:
            reasons.append(COMPARISONS[k].level_labels[level])
    return reasons[:limit]


def reason_text(reasons: list[str], score: float) -> str:
    return ", ".join([*reasons, f"{round(score * 100)}%"])
