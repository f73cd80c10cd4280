"""In-memory index of existing people for "is this new record a duplicate?" checks.

Built once (seconds per million records) and kept up to date with
:meth:`DuplicateIndex.add` / :meth:`DuplicateIndex.remove`. Each exact
blocking key is a sorted array of key hashes plus the row numbers in that
order, so a lookup is a binary search; records added later go to a small
dict until :meth:`DuplicateIndex.compact` folds them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .blocking import BLOCKING_KEYS, BlockingKey, hash_column
from .comparisons import compare_pairs
from .explain import pair_reasons, reason_text
from .model import MatchModel
from .records import Record, RecordTable

__all__ = ["DuplicateIndex", "QueryMatch"]

IntArray = npt.NDArray[np.int64]
_EXACT_KEYS: tuple[BlockingKey, ...] = tuple(k for k in BLOCKING_KEYS if k.exact)


@dataclass(frozen=True, slots=True)
class QueryMatch:
    """A likely duplicate of the queried record."""

    id: str
    score: float
    reasons: tuple[str, ...]

    @property
    def summary(self) -> str:
        return reason_text(list(self.reasons), self.score)


@dataclass(slots=True)
class _KeyArrays:
    hashes: IntArray  # sorted
    rows: IntArray  # row of each hash


@dataclass(slots=True)
class DuplicateIndex:
    """Existing records plus per-key lookup arrays; query with :meth:`query`."""

    model: MatchModel
    default_region: str = "GB"
    max_candidates_per_key: int = 200
    table: RecordTable = field(default_factory=lambda: RecordTable.from_records([]))
    _keys: list[_KeyArrays] = field(default_factory=list)
    _pending: list[Record] = field(default_factory=list)
    _pending_table: RecordTable | None = None
    _removed: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls, records: Iterable[Record], *, model: MatchModel, default_region: str = "GB"
    ) -> DuplicateIndex:
        table = RecordTable.from_records(records, default_region=default_region)
        return cls.from_table(table, model=model, default_region=default_region)

    @classmethod
    def from_table(
        cls, table: RecordTable, *, model: MatchModel, default_region: str = "GB"
    ) -> DuplicateIndex:
        index = cls(model=model, default_region=default_region, table=table)
        index._keys = [_key_arrays(key, table) for key in _EXACT_KEYS]
        return index

    def __len__(self) -> int:
        return len(self.table) + len(self._pending) - len(self._removed)

    def add(self, records: Sequence[Record]) -> None:
        """Make new or edited records findable (an edited record: remove, then add)."""
        for record in records:
            self._removed.discard(str(record.id))
        self._pending.extend(records)
        self._pending_table = None
        if len(self._pending) > 5_000:
            self.compact()

    def remove(self, record_ids: Iterable[str]) -> None:
        """Stop returning these ids (deleted or merged records)."""
        self._removed.update(str(i) for i in record_ids)

    def compact(self) -> None:
        """Fold pending records into the sorted arrays (rebuild; seconds at 1M)."""
        if not self._pending:
            return
        extra = RecordTable.from_records(self._pending, default_region=self.default_region)
        self.table = RecordTable.concat([self.table, extra])
        self._keys = [_key_arrays(key, self.table) for key in _EXACT_KEYS]
        self._pending = []
        self._pending_table = None

    def query(self, record: Record, *, threshold: float = 0.5, limit: int = 10) -> list[QueryMatch]:
        """Likely duplicates of ``record`` among indexed records, best first."""
        probe = RecordTable.from_records([record], default_region=self.default_region)
        matches = self._score(probe, self.table, self._main_candidates(probe), threshold)
        if self._pending:
            if self._pending_table is None:
                self._pending_table = RecordTable.from_records(
                    self._pending, default_region=self.default_region
                )
            rows = np.arange(len(self._pending_table), dtype=np.int64)
            matches += self._score(probe, self._pending_table, rows, threshold)
        best: dict[str, QueryMatch] = {}
        for match in matches:
            if match.id == str(record.id) or match.id in self._removed:
                continue
            if match.id not in best or best[match.id].score < match.score:
                best[match.id] = match
        return sorted(best.values(), key=lambda m: -m.score)[:limit]

    def _main_candidates(self, probe: RecordTable) -> IntArray:
        found: list[IntArray] = []
        for key, arrays in zip(_EXACT_KEYS, self._keys, strict=True):
            for column in key.values(probe):
                value = hash_column(column)[0]
                if value == 0:
                    continue
                start = int(np.searchsorted(arrays.hashes, value, side="left"))
                stop = int(np.searchsorted(arrays.hashes, value, side="right"))
                found.append(arrays.rows[start : min(stop, start + self.max_candidates_per_key)])
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(found))

    def _score(
        self, probe: RecordTable, table: RecordTable, rows: IntArray, threshold: float
    ) -> list[QueryMatch]:
        if len(rows) == 0:
            return []
        compared = compare_pairs(probe, table, np.zeros(len(rows), dtype=np.int64), rows)
        scores = self.model.score(compared.levels)
        out: list[QueryMatch] = []
        for k in np.flatnonzero(scores >= threshold):
            reasons = pair_reasons(
                self.model, compared.levels[k], names_swapped=bool(compared.names_swapped[k])
            )
            out.append(
                QueryMatch(
                    id=table.ids[int(rows[k])], score=float(scores[k]), reasons=tuple(reasons)
                )
            )
        return out


def _key_arrays(key: BlockingKey, table: RecordTable) -> _KeyArrays:
    hashes: list[IntArray] = []
    rows: list[IntArray] = []
    for column in key.values(table):
        hashed = hash_column(column)
        present = np.flatnonzero(hashed != 0)
        hashes.append(hashed[present])
        rows.append(present.astype(np.int64))
    all_hashes = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.int64)
    all_rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    order = np.argsort(all_hashes, kind="stable")
    return _KeyArrays(hashes=all_hashes[order], rows=all_rows[order])
