"""Group matched pairs into clusters for review, most certain first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Cluster", "cluster_pairs"]


@dataclass(frozen=True, slots=True)
class Cluster:
    """Records believed to be one person; ``certainty`` is the weakest link used."""

    members: tuple[int, ...]
    certainty: float
    pairs: tuple[tuple[int, int, float], ...]


def cluster_pairs(
    *,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
    max_cluster_size: int = 20,
) -> list[Cluster]:
    """Connected components built strongest edge first, refusing any join that
    would exceed ``max_cluster_size`` (one weak link must not chain a town together).
    """
    order = np.argsort(-scores, kind="stable")
    parent: dict[int, int] = {}
    size: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    used: list[tuple[int, int, float]] = []
    for k in order:
        a, b, score = int(left[k]), int(right[k]), float(scores[k])
        ra, rb = find(a), find(b)
        if ra == rb:
            used.append((a, b, score))
            continue
        if size.get(ra, 1) + size.get(rb, 1) > max_cluster_size:
            continue
        if size.get(ra, 1) < size.get(rb, 1):
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] = size.get(ra, 1) + size.get(rb, 1)
        used.append((a, b, score))
    groups: dict[int, list[tuple[int, int, float]]] = {}
    for a, b, score in used:
        groups.setdefault(find(a), []).append((a, b, score))
    clusters = [_cluster(edges) for edges in groups.values()]
    clusters.sort(key=lambda c: (-c.certainty, c.members))
    return clusters


def _cluster(edges: Sequence[tuple[int, int, float]]) -> Cluster:
    members = sorted({x for a, b, _ in edges for x in (a, b)})
    # Certainty of the spanning links: the weakest edge that holds the cluster together.
    best: dict[int, float] = {}
    for a, b, score in edges:
        for x in (a, b):
            best[x] = max(best.get(x, 0.0), score)
    return Cluster(members=tuple(members), certainty=min(best.values()), pairs=tuple(edges))
