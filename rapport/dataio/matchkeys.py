"""The duplicate check's keys and profile of the people an import's rows would create.

Computed in the helper processes that clean the rows (pure functions of the row), so
the writer only adds what the database knows: the employer's stored name and domain.
"""

from __future__ import annotations

from rapport.dataio.cleaning import CleanConfig, CleanRow
from rapport.dedupe.keys import profile_json, unsaved_keys
from rapport.dedupe.profiles import Profile, person_profile


def match_profile(row: CleanRow) -> Profile:
    """What the duplicate check holds of the person this row creates, as
    ``person_profiles`` would read it back (the employer's domain is the writer's to add,
    as only it knows the organisation)."""
    v = row.values
    return person_profile(
        first_name=v.get("first_name", ""), last_name=v.get("last_name", ""),
        emails=list(row.emails), phones=list(row.phones), street=v.get("street", ""),
        postcode=v.get("postcode", ""), city=v.get("city", ""),
        birth_date=v.get("birthday") or "", organisation=row.organization, domain="",
    )  # fmt: skip


def with_match_keys(config: CleanConfig, rows: list[CleanRow]) -> list[CleanRow]:
    """Give the good person rows their duplicate-check keys and profile: the helper
    processes that clean the rows have the time, the writer does not."""
    if config.entity != "person":
        return rows
    good = [r for r in rows if not r.errors]
    profiles = [match_profile(r) for r in good]
    for row, profile, hashes in zip(good, profiles, unsaved_keys(profiles), strict=True):
        row.key_hashes, row.profile_json = hashes, profile_json(profile)
    return rows
