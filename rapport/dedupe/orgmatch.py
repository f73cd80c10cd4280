"""Duplicate organisations: the name without legal suffixes, the web domain, the phone, the place.

Organisations are few next to people and their evidence is simpler, so the
scan blocks on the normalised name, the domain, the phone and (name sound, city),
and scores each pair with fixed weights of evidence in bits, like the people
matcher's Fellegi-Sunter weights.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from rapport.dedupe.profiles import Profile, default_region
from rapport_analytics.matching.normalise import (
    normalise_domain,
    normalise_name,
    normalise_organisation,
    normalise_postcode,
    normalise_street,
    phone_or_blank,
)
from rapport_analytics.matching.phonetic import soundex
from rapport_analytics.matching.records import FREE_MAIL_DOMAINS

PRIOR_BITS = -6.0
BLOCK_ALL_PAIRS = 40  # blocks up to this size compare every pair; bigger ones a sorted window
WINDOW = 8


@dataclass(frozen=True, slots=True)
class NormalisedOrg:
    id: int
    name: str
    domain: str
    phone: str
    street: str
    postcode: str
    city: str

    @property
    def name_sound(self) -> str:
        return soundex(self.name.split(" ", 1)[0]) if self.name else ""


@dataclass(frozen=True, slots=True)
class OrgPair:
    a: int
    b: int
    score: float
    reasons: tuple[str, ...]


def normalised_org(pk: int, profile: Profile) -> NormalisedOrg:
    """An organisation as compared: name without legal suffixes, a company domain (never a
    free-mail one), the phone in E.164 (blank if unreadable), street, postcode and city in
    matching form."""
    domain = normalise_domain(profile.get("domain") or "")
    return NormalisedOrg(
        id=pk,
        name=normalise_organisation(profile.get("name") or ""),
        domain="" if domain in FREE_MAIL_DOMAINS else domain,
        phone=phone_or_blank(profile.get("phone") or "", default_region=default_region()),
        street=normalise_street(profile.get("street") or ""),
        postcode=normalise_postcode(profile.get("postcode") or ""),
        city=normalise_name(profile.get("city") or ""),
    )


def compare(a: NormalisedOrg, b: NormalisedOrg) -> tuple[float, tuple[str, ...]]:
    """Probability that ``a`` and ``b`` are one organisation, and why."""
    bits = PRIOR_BITS
    reasons: list[str] = []
    if a.name and b.name:
        similarity = fuzz.token_sort_ratio(a.name, b.name)
        if a.name == b.name:
            bits += 8
            reasons.append("same name")
        elif similarity >= 90:
            bits += 5
            reasons.append("similar name")
        elif similarity >= 80:
            bits += 2
            reasons.append("roughly similar name")
        else:
            bits -= 4
            reasons.append("different name")
    if a.domain and b.domain:
        if a.domain == b.domain:
            bits += 6
            reasons.insert(0, "same domain")
        else:
            bits -= 3
            reasons.append("different domain")
    # A switchboard number is as telling as a domain: on its own it does not outweigh
    # names that disagree (group companies and shared offices share a number). Companies
    # keep several numbers more often than several domains, so a different one counts less.
    if a.phone and b.phone:
        if a.phone == b.phone:
            bits += 6
            reasons.insert(1 if reasons and reasons[0] == "same domain" else 0, "same phone")
        else:
            bits -= 2
            reasons.append("different phone")
    same_place = bool(a.postcode and a.postcode == b.postcode) or bool(a.city and a.city == b.city)
    if a.street and a.street == b.street and same_place:
        bits += 3
        reasons.append("same address")
    elif a.postcode and a.postcode == b.postcode:
        bits += 1.5
        reasons.append("same postcode")
    elif a.city and a.city == b.city:
        bits += 1
        reasons.append("same city")
    return 1.0 / (1.0 + math.pow(2.0, -bits)), tuple(reasons)


def _blocks(orgs: list[NormalisedOrg]) -> Iterable[list[NormalisedOrg]]:
    for key in (
        lambda o: o.name,
        lambda o: o.domain,
        lambda o: o.phone,
        lambda o: f"{o.name_sound}|{o.city}" if o.name and o.city else "",
    ):
        groups: dict[str, list[NormalisedOrg]] = defaultdict(list)
        for org in orgs:
            value = key(org)
            if value:
                groups[value].append(org)
        yield from (g for g in groups.values() if len(g) > 1)


def scan_organizations(
    profiles: Iterable[tuple[int, Profile]], *, threshold: float = 0.5
) -> list[OrgPair]:
    """Every pair of organisations scoring at least ``threshold``, best first."""
    orgs = [normalised_org(pk, p) for pk, p in profiles]
    seen: set[tuple[int, int]] = set()
    found: list[OrgPair] = []
    for block in _blocks(orgs):
        block.sort(key=lambda o: (o.name, o.id))
        for i, a in enumerate(block):
            stop = len(block) if len(block) <= BLOCK_ALL_PAIRS else min(len(block), i + WINDOW)
            for b in block[i + 1 : stop]:
                pair = (min(a.id, b.id), max(a.id, b.id))
                if pair in seen:
                    continue
                seen.add(pair)
                score, reasons = compare(a, b)
                if score >= threshold:
                    found.append(OrgPair(pair[0], pair[1], score, reasons))
    found.sort(key=lambda p: (-p.score, p.a, p.b))
    return found
