"""The blocking-key table: how a duplicate check finds its few candidates in the database.

Every server process can answer "who might this be?" with one indexed query,
instead of each holding a million-record index in memory and keeping it fresh.
Keys are the matching engine's exact blocking keys (normalised e-mail, E.164
phone, surname sound + birth year, postcode + first initial, …), hashed to 64
bits with a stable hash (Python's ``hash`` differs between processes).

Kept fresh by ``person_keys_refresh`` (called by the people services after
every create and update, inside their transaction) and rebuilt in full by
``person_keys_rebuild`` (the scan job does it on its way, as it reads everyone).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, transaction

from rapport.core.bulk import RowWriter, bulk_load
from rapport.dedupe.models import Entity, MatchKey, MatchProfile
from rapport.dedupe.profiles import Profile, default_region, person_profiles, to_record
from rapport_analytics.matching import RecordTable
from rapport_analytics.matching.blocking import BLOCKING_KEYS, BlockingKey

EXACT_KEYS: tuple[BlockingKey, ...] = tuple(k for k in BLOCKING_KEYS if k.exact)
BATCH = 20_000


@lru_cache(maxsize=65_536)  # name sounds, postcodes, employers repeat across people
def key_hash(entity: str, name: str, value: str) -> int:
    digest = hashlib.blake2b(f"{entity}|{name}|{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def table_keys(table: RecordTable, entity: str = Entity.PERSON) -> list[list[tuple[str, int]]]:
    """For each row of ``table``: its (key name, key hash) pairs, blanks left out."""
    out: list[list[tuple[str, int]]] = [[] for _ in range(len(table))]
    for key in EXACT_KEYS:
        for column in key.values(table):
            # Plain lists: reading a numpy object array item by item costs more than hashing.
            for row, value in enumerate(column.tolist()):
                if value:
                    out[row].append((key.name, key_hash(entity, key.name, value)))
    return out


def profile_keys(profile: Profile) -> list[tuple[str, int]]:
    table = RecordTable.from_records([to_record(0, profile)], default_region=default_region())
    return table_keys(table)[0]


def _rows(
    ids: Sequence[int], profiles: Sequence[Profile], table: RecordTable
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    key_rows = [
        (Entity.PERSON.value, hashed, pk)
        for pk, keys in zip(ids, table_keys(table), strict=True)
        for hashed in sorted({hashed for _, hashed in keys})
    ]
    profile_rows = [
        (Entity.PERSON.value, pk, profile_json(p)) for pk, p in zip(ids, profiles, strict=True)
    ]
    return key_rows, profile_rows


def profile_json(profile: Profile) -> str:
    return json.dumps(profile, separators=(",", ":"))


def unsaved_keys(profiles: Sequence[Profile]) -> list[list[int]]:
    """Each profile's key hashes, sorted, for records not saved yet: an import computes
    them in its cleaning helper, then writes them beside the new people."""
    table = _table(range(len(profiles)), profiles)
    return [sorted({hashed for _, hashed in keys}) for keys in table_keys(table)]


def _table(ids: Sequence[int], profiles: Sequence[Profile]) -> RecordTable:
    return RecordTable.from_records(
        (to_record(pk, p) for pk, p in zip(ids, profiles, strict=True)),
        default_region=default_region(),
    )


@transaction.atomic
def person_keys_refresh(person_ids: Iterable[int]) -> None:
    """Recompute the keys and profile of these people (a deleted person loses them)."""
    ids = sorted({int(i) for i in person_ids})
    MatchKey.objects.filter(entity=Entity.PERSON, record_id__in=ids).delete()
    MatchProfile.objects.filter(entity=Entity.PERSON, record_id__in=ids).delete()
    profiles = person_profiles(ids)
    if not profiles:
        return
    alive = sorted(profiles)
    batch = [profiles[pk] for pk in alive]
    # Plain rows: the ORM's per-object work was half the cost when an import's worker
    # job refreshes 5,000 people at a time.
    _write(RowWriter(), alive, batch)


def person_keys_rebuild(
    profiles: Iterable[tuple[int, Profile]],
    *,
    total: int = 0,
    progress: Callable[[int], None] | None = None,
) -> RecordTable:
    """Replace every person's keys and profile with these, in one transaction.

    Returns the people as one normalised table (each batch is normalised once,
    for its keys), which is what the scan needs next.
    """
    tables: list[RecordTable] = []
    with bulk_load([MatchKey, MatchProfile], rows=max(total, 0)):
        MatchKey.objects.filter(entity=Entity.PERSON).delete()
        MatchProfile.objects.filter(entity=Entity.PERSON).delete()
        writer = RowWriter()
        ids: list[int] = []
        batch: list[Profile] = []
        for pk, profile in profiles:
            ids.append(pk)
            batch.append(profile)
            if len(ids) >= BATCH:
                tables.append(_write(writer, ids, batch))
                ids, batch = [], []
                if progress is not None:
                    progress(sum(len(t) for t in tables))
        tables.append(_write(writer, ids, batch))
    return RecordTable.concat(tables)


def _write(writer: RowWriter, ids: list[int], batch: list[Profile]) -> RecordTable:
    table = _table(ids, batch)
    key_rows, profile_rows = _rows(ids, batch, table)
    writer.insert(MatchKey, ("entity", "key", "record_id"), key_rows)
    writer.insert(MatchProfile, ("entity", "record_id", "data"), profile_rows)
    return table


# Keys that name one person (an e-mail, a phone, an external id) count more when
# ranking candidates than keys many people share (a name sound, a street).
PERSONAL_KEYS = {"email": 3, "phone": 3, "external_id": 3}


def candidate_ids(
    keys: Sequence[tuple[str, int]],
    *,
    per_key: int,
    limit: int,
    exclude: int | None = None,
) -> list[int]:
    """Record ids sharing any of ``keys`` (at most ``per_key`` per key, one query), the
    ``limit`` sharing the most evidence first: only those are worth scoring."""
    weight = {hashed: PERSONAL_KEYS.get(name, 1) for name, hashed in keys}
    hashes = sorted(weight)
    if not hashes:
        return []
    table = MatchKey._meta.db_table
    parts = [
        f"SELECT key, record_id FROM (SELECT key, record_id FROM {table} WHERE key = %s LIMIT {int(per_key)}) k{i}"  # noqa: S608 -- our table, integer limit
        for i in range(len(hashes))
    ]
    evidence: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), hashes)
        for hashed, record_id in cursor.fetchall():
            evidence[int(record_id)] = evidence.get(int(record_id), 0) + weight[int(hashed)]
    evidence.pop(exclude or 0, None)
    ranked = sorted(evidence, key=lambda pk: (-evidence[pk], pk))
    return ranked[:limit]
