"""Blocking keys and profiles of organisations, in the same tables as people's.

An organisation's keys: its name without legal suffixes ("Acme GmbH", "ACME Gmbh."
and "Acme" share one), its company web domain, its phone (E.164), and its name's sound with its
city or postcode (catches "Acme" typed "Acne" in the same place). Kept fresh on
every change of an organisation (events in ``rapport.dedupe.subscribers``: create, edit,
trash, restore, merge) and rebuilt in full by the organisation scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from rapport.dedupe.keys import key_hash
from rapport.dedupe.models import MatchKey, MatchProfile
from rapport.dedupe.orgmatch import normalised_org
from rapport.dedupe.profiles import Profile, organization_profiles

ORG = "organization"
WRITE_BATCH = 5_000


def organization_keys(profile: Profile) -> list[tuple[str, int]]:
    """(key name, key hash) of an organisation's profile, blanks left out."""
    org = normalised_org(0, profile)
    sound = org.name_sound
    values = {
        "org_name": org.name,
        "org_domain": org.domain,
        "org_phone": org.phone,
        "org_sound_city": f"{sound}|{org.city}" if sound and org.city else "",
        "org_sound_postcode": f"{sound}|{org.postcode}" if sound and org.postcode else "",
    }
    return [(name, key_hash(ORG, name, value)) for name, value in values.items() if value]


def _write(profiles: Sequence[tuple[int, Profile]]) -> None:
    MatchKey.objects.bulk_create(
        (
            MatchKey(entity=ORG, key=hashed, record_id=pk)
            for pk, profile in profiles
            for hashed in sorted({hashed for _, hashed in organization_keys(profile)})
        ),
        batch_size=WRITE_BATCH,
    )
    MatchProfile.objects.bulk_create(
        (MatchProfile(entity=ORG, record_id=pk, data=profile) for pk, profile in profiles),
        batch_size=WRITE_BATCH,
    )


@transaction.atomic
def organization_keys_refresh(org_ids: Iterable[int]) -> None:
    """Recompute the keys and profile of these organisations (trashed ones lose them)."""
    ids = sorted({int(i) for i in org_ids})
    MatchKey.objects.filter(entity=ORG, record_id__in=ids).delete()
    MatchProfile.objects.filter(entity=ORG, record_id__in=ids).delete()
    profiles = organization_profiles(ids)
    _write(sorted(profiles.items()))


@transaction.atomic
def organization_keys_rebuild(profiles: Iterable[tuple[int, Profile]]) -> list[tuple[int, Profile]]:
    """Replace every organisation's keys and profile with these; returns them as a list
    (what the organisation scan compares next)."""
    rows = list(profiles)
    MatchKey.objects.filter(entity=ORG).delete()
    MatchProfile.objects.filter(entity=ORG).delete()
    for start in range(0, len(rows), WRITE_BATCH):
        _write(rows[start : start + WRITE_BATCH])
    return rows
