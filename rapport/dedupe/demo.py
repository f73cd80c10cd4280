"""Demo data for duplicates: some people entered twice, the key table, and a first scan."""

from __future__ import annotations

import random
from typing import Any

from rapport.dedupe.keys import person_keys_rebuild
from rapport.dedupe.models import Entity
from rapport.dedupe.profiles import iter_all_person_profiles
from rapport.dedupe.scan import scan_run
from rapport.dedupe.services import scan_request
from rapport.people.models import Person
from rapport.people.services import person_update

NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "Elena": "Lena",
    "Victor": "Vic",
    "Gabriel": "Gabe",
}
SCAN_NOW_UP_TO = 20_000  # bigger demos wait for the nightly scan (or ``rapport duplicates scan``)


def _messy(rng: random.Random, person: Person) -> dict[str, Any]:
    first = NICKNAMES.get(person.first_name, person.first_name)
    if rng.random() < 0.4 and len(first) > 3:
        i = rng.randrange(1, len(first) - 1)
        first = first[:i] + first[i + 1] + first[i] + first[i + 2 :]
    data: dict[str, Any] = {"first_name": first, "last_name": person.last_name,
                            "source": "import", "city": person.city}  # fmt: skip
    if rng.random() < 0.6 and person.email:
        data["emails"] = [person.email.upper()]
    if rng.random() < 0.6 and person.phone:
        data["phones"] = [person.phone]
    data.setdefault("emails", [])
    data.setdefault("phones", [])
    if not data["emails"] and not data["phones"]:
        data["street"], data["postcode"] = person.street, person.postcode
    return data


def seed_demo(*, rng: random.Random, people: int, stdout: Any) -> None:
    """Re-enter some demo people over others (the count of people stays what was asked)."""
    copies = min(people // 50, 200)
    chosen = list(
        Person.objects.alive()
        .exclude(owner=None)
        .select_related("owner")
        .order_by("?")[: copies * 2]
    )
    originals, retyped = chosen[:copies], chosen[copies:]
    for original, record in zip(originals, retyped, strict=False):
        person_update(actor=record.owner, person=record, data=_messy(rng, original))
    total = Person.objects.alive().count()
    person_keys_rebuild(iter_all_person_profiles(), total=total)
    if total <= SCAN_NOW_UP_TO:
        runs = [scan_run(scan_request(entity=e, requested_by=None).pk) for e in Entity.values]
        found = ", ".join(f"{r.clusters} {r.entity} clusters" for r in runs)
        stdout.write(f"Duplicates: {len(retyped)} people entered twice; first scan: {found}.")
    else:
        stdout.write(f"Duplicates: {len(retyped)} people entered twice; keys built.")
