"""The duplicate check for organisations: likely duplicates of one not yet saved.

"ACME Gmbh." typed while "Acme GmbH" exists: candidates come from the
blocking-key table (``rapport.dedupe.orgkeys``, one indexed query), are scored
by ``rapport.dedupe.orgmatch.compare`` and narrowed to live organisations the
user may see that nobody judged "not a duplicate" of the one being edited
(``rapport.dedupe.check.core.likely_duplicates``, as for people).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rapport.accounts.models import User
from rapport.dedupe.check.core import CHECK_THRESHOLD, ScoreText, likely_duplicates
from rapport.dedupe.orgkeys import organization_keys
from rapport.dedupe.orgmatch import compare, normalised_org
from rapport.dedupe.profiles import Profile


@dataclass(frozen=True)
class OrgCandidate(ScoreText):
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
    def detail(self) -> str:
        return self.domain or self.city


def organization_profile_from_data(data: Mapping[str, Any]) -> Profile:
    """A profile of an organisation not saved yet, from form or API fields."""
    return {
        key: str(data.get(key) or "").strip()
        for key in ("name", "domain", "phone", "street", "postcode", "city")
    }


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
    probe = normalised_org(0, profile)

    def rate(ids: list[int], profiles: dict[int, Profile]) -> list[OrgCandidate]:
        scored: list[OrgCandidate] = []
        for pk in ids:
            score, reasons = compare(probe, normalised_org(pk, profiles[pk]))
            if score >= threshold:
                data = profiles[pk]
                scored.append(OrgCandidate(id=pk, name=str(data.get("name") or f"Organisation {pk}"),
                                           domain=str(data.get("domain") or ""),
                                           city=str(data.get("city") or ""), score=score,
                                           reasons=reasons))  # fmt: skip
        return sorted(scored, key=lambda c: (-c.score, c.id))

    return likely_duplicates("organization", user=user, keys=organization_keys(profile),
                             record_id=organization_id, limit=limit, score=rate)  # fmt: skip
