"""RFM scores: recency, frequency and monetary value binned into quantile scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RFMScores:
    """Scores 1..bins per customer; higher is better on every dimension."""

    recency: IntArray
    frequency: IntArray
    monetary: IntArray
    bins: int

    @property
    def combined(self) -> npt.NDArray[np.str_]:
        """The conventional "R F M" code, e.g. "545"."""
        return np.char.add(
            np.char.add(self.recency.astype(str), self.frequency.astype(str)),
            self.monetary.astype(str),
        )

    @property
    def total(self) -> IntArray:
        return self.recency + self.frequency + self.monetary


def quantile_scores(values: npt.ArrayLike, *, bins: int, higher_is_better: bool = True) -> IntArray:
    """Score 1..bins by quantile of rank; tied values always share a score."""
    array = np.asarray(values, dtype=np.float64)
    if bins < 2:
        raise ValueError("need at least 2 bins")
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise ValueError("values must be a finite 1-D array")
    if len(array) == 0:
        return np.zeros(0, dtype=np.int64)
    ranks = rankdata(array if higher_is_better else -array, method="average")
    scores = np.ceil(ranks / len(array) * bins).astype(np.int64)
    return np.clip(scores, 1, bins)


def rfm_scores(
    *,
    days_since_last_purchase: npt.ArrayLike,
    frequency: npt.ArrayLike,
    monetary: npt.ArrayLike,
    bins: int = 5,
) -> RFMScores:
    """RFM quantile scores. Recency is time since the last purchase, so smaller scores higher."""
    recency = quantile_scores(days_since_last_purchase, bins=bins, higher_is_better=False)
    frequency_scores = quantile_scores(frequency, bins=bins)
    monetary_scores = quantile_scores(monetary, bins=bins)
    if not (len(recency) == len(frequency_scores) == len(monetary_scores)):
        raise ValueError("recency, frequency and monetary must have the same length")
    return RFMScores(recency, frequency_scores, monetary_scores, bins)
