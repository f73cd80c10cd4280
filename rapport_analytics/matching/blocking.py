"""Candidate pairs from several blocking keys, with a cap so big blocks stay cheap.

Within each key, records are sorted by (key, name) and each record is paired
only with the next ``window - 1`` records sharing its key. Small blocks give
all their pairs; a huge block (every "Smith" born in 1980) degrades into a
sorted neighbourhood over names instead of exploding quadratically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .phonetic import soundex
from .records import RecordTable

__all__ = ["BLOCKING_KEYS", "BlockingKey", "candidate_pairs", "key_values"]

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class BlockingKey:
    """A named key function over a table; '' means the record has no value for it."""

    name: str
    values: Callable[[RecordTable], list[ObjArray]]
    window: int = 8
    exact: bool = True  # False: usable for scans only (sorted neighbourhood), not index lookups


def _join(*parts: ObjArray) -> ObjArray:
    """Element-wise join; '' whenever any part is blank."""
    out = parts[0].astype(object)
    blank = parts[0] == ""
    for part in parts[1:]:
        out = out + "|" + part
        blank |= part == ""
    out[blank] = ""
    return np.asarray(out, dtype=object)


def _year(table: RecordTable) -> ObjArray:
    years = (table.dob // 10000).astype(str).astype(object)
    years[table.dob == 0] = ""
    return np.asarray(years, dtype=object)


def _full_dob(table: RecordTable) -> ObjArray:
    dob = table.dob.astype(str).astype(object)
    dob[table.dob == 0] = ""
    return np.asarray(dob, dtype=object)


def _initial(values: ObjArray) -> ObjArray:
    return np.array([v[:1] for v in values], dtype=object)


def _name_pair(table: RecordTable) -> ObjArray:
    # Order-free pair of name codes: catches swapped first/last names and nicknames.
    low = np.where(table.first_code <= table.last_code, table.first_code, table.last_code)
    high = np.where(table.first_code <= table.last_code, table.last_code, table.first_code)
    return _join(np.asarray(low, dtype=object), np.asarray(high, dtype=object))


def _sound_pair(table: RecordTable) -> ObjArray:
    # Like _name_pair but Soundex only, so a typo in a nickname-table name still meets.
    first = np.array([soundex(v.split(" ", 1)[0]) if v else "" for v in table.first], dtype=object)
    low = np.where(first <= table.last_code, first, table.last_code)
    high = np.where(first <= table.last_code, table.last_code, first)
    return _join(np.asarray(low, dtype=object), np.asarray(high, dtype=object))


def _everyone(table: RecordTable) -> ObjArray:
    return np.full(len(table), "all", dtype=object)


BLOCKING_KEYS: tuple[BlockingKey, ...] = (
    BlockingKey("surname_sound_birth_year", lambda t: [_join(t.last_code, _year(t))]),
    BlockingKey("email", lambda t: [t.email_a, t.email_b]),
    BlockingKey("phone", lambda t: [t.phone_a, t.phone_b]),
    BlockingKey("postcode_initial", lambda t: [_join(t.postcode, _initial(t.first))]),
    BlockingKey("external_id", lambda t: [t.external_id]),
    BlockingKey("name_codes", lambda t: [_name_pair(t)]),
    BlockingKey("first_name_birth_date", lambda t: [_join(t.first_code, _full_dob(t))]),
    BlockingKey("name_sounds", lambda t: [_sound_pair(t)]),
    BlockingKey("postcode_birth_date", lambda t: [_join(t.postcode, _full_dob(t))]),
    BlockingKey("street", lambda t: [t.street]),
    BlockingKey("organisation_surname", lambda t: [_join(t.organisation, t.last_code)]),
    BlockingKey("sorted_names", lambda t: [_everyone(t)], window=4, exact=False),
)


def key_values(key: BlockingKey, table: RecordTable) -> list[ObjArray]:
    """The key's value column(s) for every record of a table."""
    return key.values(table)


def hash_column(values: ObjArray) -> IntArray:
    """64-bit hashes of key strings (0 for blank), so grouping sorts integers not strings."""
    hashed = np.fromiter((hash(v) if v else 0 for v in values), dtype=np.int64, count=len(values))
    hashed[(hashed == 0) & (values != "")] = 1
    return hashed


def name_order(table: RecordTable) -> IntArray:
    """Rank of each record by "last first", the order used inside every block."""
    names = table.last + " " + table.first
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(table), dtype=np.int64)
    rank[order] = np.arange(len(table), dtype=np.int64)
    return rank


def windowed_pairs(hashes: IntArray, rank: IntArray, window: int) -> tuple[IntArray, IntArray]:
    present = np.flatnonzero(hashes != 0)
    order = present[np.lexsort((rank[present], hashes[present]))]
    sorted_keys = hashes[order]
    lefts: list[IntArray] = []
    rights: list[IntArray] = []
    for offset in range(1, window):
        if offset >= len(order):
            break
        same = sorted_keys[:-offset] == sorted_keys[offset:]
        lefts.append(order[:-offset][same])
        rights.append(order[offset:][same])
    if not lefts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(lefts), np.concatenate(rights)


def candidate_pairs(
    table: RecordTable,
    *,
    keys: tuple[BlockingKey, ...] = BLOCKING_KEYS,
    source: npt.NDArray[np.int8] | None = None,
    window_scale: float = 1.0,
) -> tuple[IntArray, IntArray]:
    """Unique candidate pairs (i < j) of rows of ``table``.

    With ``source`` (linking two files stacked into one table), only pairs
    whose rows come from different sources are kept.
    """
    n = len(table)
    rank = name_order(table)
    # Pairs are de-duplicated key by key into one sorted array of codes (low * n + high),
    # never all collected first: at a million people the raw pairs of every key together
    # are three times the unique ones, and sorting them all at once doubles that again.
    unique = np.zeros(0, dtype=np.int64)
    for key in keys:
        window = max(2, round(key.window * window_scale))
        for column in key_values(key, table):
            left, right = windowed_pairs(hash_column(column), rank, window)
            if source is not None:
                keep = source[left] != source[right]
                left, right = left[keep], right[keep]
            codes = np.minimum(left, right) * n
            codes += np.maximum(left, right)
            del left, right
            unique = merge_sorted_unique(unique, np.unique(codes))
    return unique // n, unique % n


def merge_sorted_unique(running: IntArray, new: IntArray) -> IntArray:
    """The sorted union of two sorted arrays without duplicates (no re-sort: one insert)."""
    if len(running) == 0:
        return new
    if len(new) == 0:
        return running
    at = np.searchsorted(running, new)
    present = at < len(running)
    present[present] = running[at[present]] == new[present]
    fresh = ~present
    return np.insert(running, at[fresh], new[fresh])
