"""What the matcher sees of a person or an organisation, read in bulk or one at a time.

A *profile* is a small JSON-ready dict (names, every e-mail and phone, address,
birth date, employer). People's profiles become the engine's ``Record``s;
organisations' are compared by ``rapport.dedupe.orgmatch``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.conf import settings

from rapport.people.models import Affiliation, Organization, Person, PersonEmail, PersonPhone
from rapport_analytics.matching import Record

Profile = dict[str, Any]
CHUNK = 20_000
PERSON_COLUMNS = ("pk", "first_name", "last_name", "email", "phone", "street", "postcode", "city",
                  "birthday")  # fmt: skip
ORG_COLUMNS = ("pk", "name", "domain", "phone", "street", "postcode", "city")


def default_region() -> str:
    return str(settings.RAPPORT["DEFAULT_PHONE_REGION"])


def person_profile(
    *, first_name: str, last_name: str, emails: list[str], phones: list[str], street: str,
    postcode: str, city: str, birth_date: str, organisation: str, domain: str,
) -> Profile:  # fmt: skip
    """The one shape of a person's profile (the stored JSON's keys, in this order)."""
    return {
        "first_name": first_name, "last_name": last_name, "emails": emails, "phones": phones,
        "street": street, "postcode": postcode, "city": city, "birth_date": birth_date,
        "organisation": organisation, "domain": domain,
    }  # fmt: skip


def _person_profile(
    row: Sequence[Any], emails: list[str], phones: list[str], org: tuple[str, str] | None
) -> Profile:
    _, first, last, email, phone, street, postcode, city, birthday = row
    return person_profile(
        first_name=first, last_name=last,
        emails=emails or ([email] if email else []), phones=phones or ([phone] if phone else []),
        street=street, postcode=postcode, city=city,
        birth_date=birthday.isoformat() if hasattr(birthday, "isoformat") else (birthday or ""),
        organisation=org[0] if org else "", domain=org[1] if org else "",
    )  # fmt: skip


def _grouped(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for owner_id, value in pairs:
        out[owner_id].append(value)
    return out


def _employers(person_ids: Sequence[int] | None) -> dict[int, tuple[str, str]]:
    qs = Affiliation.objects.filter(organization__deleted_at__isnull=True)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    out: dict[int, tuple[str, str]] = {}
    rows = qs.order_by("person_id", "-is_primary", "id").values_list(
        "person_id", "organization__name", "organization__domain"
    )
    for person_id, name, domain in rows.iterator(chunk_size=CHUNK):
        out.setdefault(person_id, (name, domain))
    return out


def person_profiles(person_ids: Sequence[int]) -> dict[int, Profile]:
    """Profiles of the given live people (a handful: four queries)."""
    if not person_ids:
        return {}
    rows = Person.objects.alive().filter(pk__in=person_ids).values_list(*PERSON_COLUMNS)
    ids = list(person_ids)
    emails = _grouped(
        PersonEmail.objects.filter(person_id__in=ids).order_by("person_id", "-is_primary", "id")
        .values_list("person_id", "email")
    )  # fmt: skip
    phones = _grouped(
        PersonPhone.objects.filter(person_id__in=ids).order_by("person_id", "-is_primary", "id")
        .values_list("person_id", "number")
    )  # fmt: skip
    employers = _employers(ids)
    return {
        row[0]: _person_profile(row, emails.get(row[0], []), phones.get(row[0], []), employers.get(row[0]))
        for row in rows
    }  # fmt: skip


def iter_all_person_profiles() -> Iterator[tuple[int, Profile]]:
    """Every live person's profile, streamed: one pass over each table, no per-person query."""
    emails = _grouped(
        PersonEmail.objects.order_by("person_id", "-is_primary", "id")
        .values_list("person_id", "email").iterator(chunk_size=CHUNK)
    )  # fmt: skip
    phones = _grouped(
        PersonPhone.objects.order_by("person_id", "-is_primary", "id")
        .values_list("person_id", "number").iterator(chunk_size=CHUNK)
    )  # fmt: skip
    employers = _employers(None)
    rows = Person.objects.alive().order_by("pk").values_list(*PERSON_COLUMNS)
    for row in rows.iterator(chunk_size=CHUNK):
        pk = row[0]
        yield (
            pk,
            _person_profile(row, emails.pop(pk, []), phones.pop(pk, []), employers.pop(pk, None)),
        )


def person_profile_from_data(data: Mapping[str, Any]) -> Profile:
    """A profile of a person not saved yet, from form or API fields (service-style data)."""
    organisation, domain = "", ""
    orgs = data.get("organizations") or []
    if orgs:
        first = Organization.objects.filter(pk=orgs[0].get("organization_id")).first()
        if first is not None:
            organisation, domain = first.name, first.domain
    birthday = data.get("birthday")
    return {
        "first_name": str(data.get("first_name") or ""),
        "last_name": str(data.get("last_name") or ""),
        "emails": [str(e) for e in data.get("emails") or [] if e],
        "phones": [str(p) for p in data.get("phones") or [] if p],
        "street": str(data.get("street") or ""),
        "postcode": str(data.get("postcode") or ""),
        "city": str(data.get("city") or ""),
        "birth_date": birthday.isoformat()
        if isinstance(birthday, dt.date)
        else str(birthday or ""),
        "organisation": organisation,
        "domain": domain,
    }


def to_record(record_id: int | str, profile: Mapping[str, Any]) -> Record:
    return Record(
        id=str(record_id),
        first_name=profile.get("first_name", ""),
        last_name=profile.get("last_name", ""),
        emails=tuple(profile.get("emails", ())),
        phones=tuple(profile.get("phones", ())),
        street=profile.get("street", ""),
        postcode=profile.get("postcode", ""),
        city=profile.get("city", ""),
        birth_date=profile.get("birth_date", ""),
        organisation=profile.get("organisation", ""),
        domain=profile.get("domain", ""),
    )


def profile_label(entity: str, profile: Mapping[str, Any]) -> str:
    if entity == "organization":
        return str(profile.get("name") or "")
    name = " ".join(p for p in (profile.get("first_name"), profile.get("last_name")) if p)
    emails = profile.get("emails") or []
    return name or (emails[0] if emails else "")


def _org_profile(row: Sequence[Any]) -> Profile:
    _, name, domain, phone, street, postcode, city = row
    return {"name": name, "domain": domain, "phone": phone, "street": street,
            "postcode": postcode, "city": city}  # fmt: skip


def organization_profiles(org_ids: Sequence[int]) -> dict[int, Profile]:
    rows = Organization.objects.alive().filter(pk__in=list(org_ids)).values_list(*ORG_COLUMNS)
    return {row[0]: _org_profile(row) for row in rows}


def iter_all_organization_profiles() -> Iterator[tuple[int, Profile]]:
    rows = Organization.objects.alive().order_by("pk").values_list(*ORG_COLUMNS)
    for row in rows.iterator(chunk_size=CHUNK):
        yield row[0], _org_profile(row)


# How the matcher reads each kind of record it knows (a handful of ids at a time).
PROFILE_READERS: dict[str, Callable[[Sequence[int]], dict[int, Profile]]] = {
    "person": person_profiles,
    "organization": organization_profiles,
}
MATCHED_ENTITIES = tuple(PROFILE_READERS)
