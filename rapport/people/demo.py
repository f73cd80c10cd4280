"""A believable small business, fast: used by ``rapport demo`` and the benchmarks.

Rows are built in memory and written with ``bulk_create`` so that a million
people seed in under a minute; phone numbers are made valid by construction
(real US area codes, exchanges 200–999 not ending in 11).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from rapport.accounts.models import Role, Team, User
from rapport.people.models import (
    Affiliation,
    ConsentStatus,
    LifecycleStage,
    Organization,
    OrganizationSize,
    Person,
    PersonEmail,
    PersonPhone,
    RelationshipType,
    Tag,
)
from rapport.people.normalize import fold

FIRST_NAMES = (
    "Ana Ben Carla David Elena Farid Grace Hiro Ines Jonas Kira Liam Maya Noah Olga Pedro Quinn Rosa Sami Tara "
    "Umar Vera Wei Ximena Yusuf Zoe Amelia Bruno Chloe Diego Emma Felix Gisele Hugo Iris Jack Lena Marco Nina "
    "Oscar Priya Rafael Sofia Tomas Ulla Victor Wanda Yara Zeynep Aiko Bilal Camille Dmitri Esther Fatima Gabriel "
    "Hannah Ivan Julia Karim Laura Mateo Nadia Omar Paula Ravi Sara Theo Valentina William José Zoë Chloé Søren"
).split()
LAST_NAMES = (
    "Souza Smith Müller Garcia Rossi Kowalski Nguyen Johansson Haddad Tanaka Okafor Novak Silva Dubois Martin "
    "Schmidt Fernandez Lopez Kim Chen Singh Patel Cohen Murphy Brown Wilson Taylor Anderson Thomas Moore Jackson "
    "White Harris Clark Lewis Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell "
    "Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart Flores Morris Rivera Cook Rogers "
    "Morgan Peterson Cooper Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks Bennett"
).split()
ORG_WORDS = (
    "Acme Northwind Globex Initech Umbrella Stark Wayne Cyberdyne Soylent Hooli Vandelay Wonka Tyrell Oceanic "
    "Aperture BlueSky Redwood Evergreen Summit Pinnacle Harbor Lighthouse Meridian Horizon Atlas Orbit Nimbus "
    "Cobalt Juniper Maple Willow Falcon Kestrel Granite Quartz Sterling Beacon Compass Vertex"
).split()
ORG_KINDS = "Bakery Logistics Consulting Software Clinic Studio Outfitters Foods Labs Partners Dental Motors Hotels".split()
INDUSTRIES = "Retail Software Healthcare Logistics Hospitality Manufacturing Finance Education Food Media".split()
CITIES = [("Springfield", "US"), ("Portland", "US"), ("Austin", "US"), ("Boston", "US"), ("Denver", "US"),
          ("Chicago", "US"), ("Seattle", "US"), ("Miami", "US"), ("Phoenix", "US"), ("Atlanta", "US")]  # fmt: skip
STREETS = "Main St|Oak Ave|Maple Rd|Cedar Ln|Pine St|Elm St|Lake Dr|Hill Rd|Park Ave|River Rd".split("|")
AREA_CODES = (201, 212, 303, 312, 404, 415, 503, 512, 602, 617, 702, 713, 720, 773, 786, 206, 305, 480)
TAGS = ["vip", "newsletter", "trade-show", "referral", "webinar", "partner-lead", "churn-risk", "beta"]
SOURCES = ["web form", "import", "referral", "trade show", "API", "manual"]
STAGE_WEIGHTS = [
    (LifecycleStage.PROSPECT, 30), (LifecycleStage.CUSTOMER, 25), (LifecycleStage.REPEAT, 20),
    (LifecycleStage.LOYAL, 8), (LifecycleStage.AT_RISK, 7), (LifecycleStage.LAPSED, 7), (LifecycleStage.WON_BACK, 3),
]  # fmt: skip
_FOLDED = {name: fold(name) for name in FIRST_NAMES + LAST_NAMES}


@dataclass
class DemoTeam:
    team: Team
    members: list[User]


def _phone(rng: random.Random) -> tuple[str, list[str]]:
    area = rng.choice(AREA_CODES)
    exchange = rng.randrange(200, 1000)
    if exchange % 100 == 11:
        exchange += 1
    national = f"{area}{exchange}{rng.randrange(0, 10000):04d}"
    return "+1" + national, ["1" + national, national, "0" + national]


def ensure_demo_users(rng: random.Random) -> list[DemoTeam]:
    """Two teams, each with a manager and three reps (no password: an admin sets one)."""
    result = []
    for team_name, people in (("Sales", ("maria", "tom", "aisha", "kenji")), ("Service", ("lucas", "emma", "noor", "ravi"))):
        team, _ = Team.objects.get_or_create(name=team_name)
        members = []
        for i, username in enumerate(people):
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"role": Role.MANAGER if i == 0 else Role.REP, "first_name": username.title(),
                          "email": f"{username}@rapport.example"},
            )  # fmt: skip
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.teams.add(team)
            members.append(user)
        result.append(DemoTeam(team=team, members=members))
    return result


def seed_organizations(*, count: int, teams: Sequence[DemoTeam], rng: random.Random, batch: int = 5000) -> list[int]:
    now = timezone.now()
    ids: list[int] = []
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(count, start + batch)):
            name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)}" + (f" {i}" if count > 300 else "")
            domain = f"{name.lower().replace(' ', '')}.example"
            city, country = rng.choice(CITIES)
            dt = rng.choice(teams)
            rows.append(Organization(
                name=name, domain=domain, industry=rng.choice(INDUSTRIES),
                size=rng.choice(OrganizationSize.values[1:]), city=city, country=country,
                relationship_type=rng.choices(RelationshipType.values, weights=[50, 30, 8, 8, 2, 2])[0],
                owner=rng.choice(dt.members), team=dt.team, search_text=f"{name.lower()} {domain}",
                created_at=now - timedelta(days=rng.randrange(0, 900)), updated_at=now - timedelta(minutes=rng.randrange(0, 500000)),
            ))  # fmt: skip
        ids.extend(o.pk for o in Organization.objects.bulk_create(rows))
    return ids


def _people_rows(*, count: int, start: int, teams: Sequence[DemoTeam], org_names: dict[int, str],
                 rng: random.Random) -> Iterator[tuple[Person, str, str, list[str], int | None]]:  # fmt: skip
    now = timezone.now()
    org_ids = list(org_names)
    stages, weights = zip(*STAGE_WEIGHTS, strict=True)
    for i in range(start, start + count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{fold(first)}.{fold(last)}{i}@mail.example".replace(" ", "")
        phone, phone_tokens = _phone(rng)
        org_id = rng.choice(org_ids) if org_ids and rng.random() < 0.7 else None
        dt = rng.choice(teams)
        city, country = rng.choice(CITIES)
        consent = rng.choices(ConsentStatus.values, weights=[40, 45, 10, 5])[0]
        search = " ".join([_FOLDED[first], _FOLDED[last], email, *phone_tokens, fold(org_names[org_id]) if org_id else ""])
        person = Person(
            first_name=first, last_name=last, email=email, phone=phone, title=rng.choice(["", "Owner", "Buyer", "CTO", "Office manager", "Head of operations"]),
            street=f"{rng.randrange(1, 999)} {rng.choice(STREETS)}", city=city, country=country,
            postcode=f"{rng.randrange(10000, 99999)}", birthday=date(1950, 1, 1) + timedelta(days=rng.randrange(0, 18000)) if rng.random() < 0.4 else None,
            source=rng.choice(SOURCES), lifecycle_stage=rng.choices(stages, weights=weights)[0],
            email_consent=consent, email_consent_at=now - timedelta(days=rng.randrange(0, 700)) if consent != "unknown" else None,
            email_consent_method="web form checkbox" if consent == "granted" else "",
            owner=rng.choice(dt.members), team=dt.team, search_text=search,
            created_at=now - timedelta(days=rng.randrange(0, 900)), updated_at=now - timedelta(minutes=rng.randrange(0, 500000)),
        )  # fmt: skip
        yield person, email, phone, [], org_id


def seed_people(*, count: int, teams: Sequence[DemoTeam], org_ids: Sequence[int], rng: random.Random,
                batch: int = 5000, progress: bool = False) -> int:  # fmt: skip
    org_names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name")) if len(org_ids) < 20000 else {
        pk: name for pk, name in Organization.objects.values_list("pk", "name").iterator(chunk_size=20000)
    }
    tags = [Tag.objects.get_or_create(name=t)[0] for t in TAGS]
    tag_through = Person.tags.through
    made = 0
    rows = _people_rows(count=count, start=Person.objects.count(), teams=teams, org_names=org_names, rng=rng)
    while made < count:
        chunk = [next(rows) for _ in range(min(batch, count - made))]
        with transaction.atomic():
            people = Person.objects.bulk_create([c[0] for c in chunk])
            PersonEmail.objects.bulk_create(
                [PersonEmail(person_id=p.pk, email=c[1], is_primary=True) for p, c in zip(people, chunk, strict=True)]
            )
            PersonPhone.objects.bulk_create(
                [PersonPhone(person_id=p.pk, number=c[2], is_primary=True) for p, c in zip(people, chunk, strict=True)]
            )
            Affiliation.objects.bulk_create(
                [Affiliation(person_id=p.pk, organization_id=c[4], role=p.title, is_primary=True)
                 for p, c in zip(people, chunk, strict=True) if c[4]]
            )  # fmt: skip
            tag_through.objects.bulk_create(
                [tag_through(person_id=p.pk, tag_id=rng.choice(tags).pk) for p in people if rng.random() < 0.35]
            )
        made += len(chunk)
        if progress:
            print(f"\r  people: {made:,}/{count:,}", end="", flush=True)
    if progress:
        print()
    return made
