"""The duplicate check for organisations: likely duplicates of one not yet saved.

"ACME Gmbh." typed while "Acme GmbH" exists: candidates come from the
blocking-key table (``rapport.dedupe.orgkeys``, one indexed query), are scored
by ``rapport.dedupe.orgmatch.compare`` and narrowed to live organisations the
user may see that nobody judged "not a duplicate" of the one being edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.dedupe.check import (
    CANDIDATES_PER_KEY,
    CANDIDATES_SCORED,
    CHECK_THRESHOLD,
    dismissed_of,
)
from rapport.dedupe.keys import candidate_ids
from rapport.dedupe.models import Entity, MatchProfile
from rapport.dedupe.orgkeys import organization_keys
from rapport.dedupe.orgmatch import compare, normalised_org
from rapport.dedupe.profiles import Profile, organization_profiles
from rapport.people.models import Organization
from rapport_analytics.matching import reason_text


@dataclass(frozen=True)
class OrgCandidate:
    """A likely duplicate organisation: "Acme GmbH, same name, same domain, 99%"."""

    id: int
    name: str
    domain: str
    city: str
    score: float
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.name

    @property
    def summary(self) -> str:
        return reason_text(list(self.reasons), self.score)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def organization_profile_from_data(data: Mapping[str, Any]) -> Profile:
    """A profile of an organisation not saved yet, from form or API fields."""
    return {
        key: str(data.get(key) or "").strip()
        for key in ("name", "domain", "street", "postcode", "city")
    }


def _profiles(ids: list[int]) -> dict[int, Profile]:
    stored = dict(
        MatchProfile.objects.filter(entity=Entity.ORGANIZATION, record_id__in=ids).values_list(
            "record_id", "data"
        )
    )
    missing = [pk for pk in ids if pk not in stored]
    if missing:
        stored.update(organization_profiles(missing))
    return stored


def organization_duplicates(
    *,
    user: User,
    profile: Profile,
    organization_id: int | None = None,
    threshold: float = CHECK_THRESHOLD,
    limit: int = 5,
) -> list[OrgCandidate]:
    """Live organisations ``user`` may see that are likely the one described by
    ``profile``, best first. ``organization_id``: the one being edited (left out, with
    the organisations already judged "not a duplicate" of it)."""
    keys = organization_keys(profile)
    found = candidate_ids(keys, per_key=CANDIDATES_PER_KEY, limit=CANDIDATES_SCORED,
                          exclude=organization_id)  # fmt: skip
    if not found:
        return []
    profiles = _profiles(found)
    probe = normalised_org(0, profile)
    scored: list[OrgCandidate] = []
    for pk in found:
        if pk not in profiles:
            continue
        score, reasons = compare(probe, normalised_org(pk, profiles[pk]))
        if score >= threshold:
            data = profiles[pk]
            scored.append(OrgCandidate(id=pk, name=str(data.get("name") or f"Organisation {pk}"),
                                       domain=str(data.get("domain") or ""),
                                       city=str(data.get("city") or ""), score=score,
                                       reasons=reasons))  # fmt: skip
    if not scored:
        return []
    scored.sort(key=lambda c: (-c.score, c.id))
    allowed = set(
        visible_to(Organization.objects.alive(), user)
        .filter(pk__in=[c.id for c in scored])
        .values_list("pk", flat=True)
    ) - dismissed_of(organization_id, Entity.ORGANIZATION)
    return [c for c in scored if c.id in allowed][:limit]
