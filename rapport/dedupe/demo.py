"""Demo data for duplicates: some people entered twice, the key table, and a first scan."""

from __future__ import annotations

import random
from typing import Any

from rapport.dedupe.keys import person_keys_rebuild
from rapport.dedupe.profiles import MATCHED_ENTITIES, iter_all_person_profiles
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
    data: dict[str, Any] = {
        "first_name": first, "last_name": person.last_name, "source": "import",
        "street": person.street, "postcode": person.postcode, "city": person.city,
        "birthday": person.birthday, "organizations": [], "emails": [], "phones": [],
    }  # fmt: skip
    # Typed again from a business card or a web form: at least one way to reach them matches.
    keep_email = bool(person.email) and (rng.random() < 0.6 or not person.phone)
    if keep_email:
        data["emails"] = [person.email.upper()]
    if person.phone and (not keep_email or rng.random() < 0.4):
        data["phones"] = [person.phone]
    return data


def seed_demo(*, rng: random.Random, people: int, stdout: Any) -> None:
    """Re-enter some demo people over others (the count of people stays what was asked)."""
    copies = min(people // 50, 200)
    ids = list(
        Person.objects.alive().exclude(owner=None).order_by("pk").values_list("pk", flat=True)
    )
    picked = rng.sample(ids, min(len(ids), copies * 2))
    by_pk = Person.objects.select_related("owner").in_bulk(picked)
    chosen = [by_pk[pk] for pk in picked]
    originals, retyped = chosen[:copies], chosen[copies:]
    for original, record in zip(originals, retyped, strict=False):
        person_update(actor=record.owner, person=record, data=_messy(rng, original))
    total = Person.objects.alive().count()
    person_keys_rebuild(iter_all_person_profiles(), total=total)
    if total <= SCAN_NOW_UP_TO:
        runs = [scan_run(scan_request(entity=e, requested_by=None).pk) for e in MATCHED_ENTITIES]
        found = ", ".join(f"{r.clusters} {r.entity} clusters" for r in runs)
        stdout.write(f"Duplicates: {len(retyped)} people entered twice; first scan: {found}.")
    else:
        stdout.write(f"Duplicates: {len(retyped)} people entered twice; keys built.")
