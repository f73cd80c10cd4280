"""A believable small business, fast: used by ``rapport demo`` and the benchmarks.

Rows are built as plain tuples and written in batches (``executemany`` on SQLite,
``COPY`` on PostgreSQL), skipping the ORM's per-object work, so that a million
people seed in a few minutes; phone numbers are made valid by construction
(real US area codes, exchanges 200–999 not ending in 11).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from rapport.accounts.models import Role, Team, User
from rapport.core.bulk import RowWriter, bulk_load
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


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


FIRST_NAMES = _words(
    "Ana Ben Carla David Elena Farid Grace Hiro Ines Jonas Kira Liam Maya Noah Olga Pedro Quinn Rosa Sami Tara "
    "Umar Vera Wei Ximena Yusuf Zoe Amelia Bruno Chloe Diego Emma Felix Gisele Hugo Iris Jack Lena Marco Nina "
    "Oscar Priya Rafael Sofia Tomas Ulla Victor Wanda Yara Zeynep Aiko Bilal Camille Dmitri Esther Fatima Gabriel "
    "Hannah Ivan Julia Karim Laura Mateo Nadia Omar Paula Ravi Sara Theo Valentina William José Zoë Chloé Søren"
)  # fmt: skip
LAST_NAMES = _words(
    "Souza Smith Müller Garcia Rossi Kowalski Nguyen Johansson Haddad Tanaka Okafor Novak Silva Dubois Martin "
    "Schmidt Fernandez Lopez Kim Chen Singh Patel Cohen Murphy Brown Wilson Taylor Anderson Thomas Moore Jackson "
    "White Harris Clark Lewis Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell "
    "Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart Flores Morris Rivera Cook Rogers "
    "Morgan Peterson Cooper Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks Bennett"
)  # fmt: skip
ORG_WORDS = _words(
    "Acme Northwind Globex Initech Umbrella Stark Wayne Cyberdyne Soylent Hooli Vandelay Wonka Tyrell Oceanic "
    "Aperture BlueSky Redwood Evergreen Summit Pinnacle Harbor Lighthouse Meridian Horizon Atlas Orbit Nimbus "
    "Cobalt Juniper Maple Willow Falcon Kestrel Granite Quartz Sterling Beacon Compass Vertex"
)  # fmt: skip
ORG_KINDS = _words(
    "Bakery Logistics Consulting Software Clinic Studio Outfitters Foods Labs Partners Dental Motors Hotels"
)
INDUSTRIES = _words(
    "Retail Software Healthcare Logistics Hospitality Manufacturing Finance Education Food Media"
)
CITIES = [("Springfield", "US"), ("Portland", "US"), ("Austin", "US"), ("Boston", "US"), ("Denver", "US"),
          ("Chicago", "US"), ("Seattle", "US"), ("Miami", "US"), ("Phoenix", "US"), ("Atlanta", "US")]  # fmt: skip
STREETS = _words(
    "Main St|Oak Ave|Maple Rd|Cedar Ln|Pine St|Elm St|Lake Dr|Hill Rd|Park Ave|River Rd", "|"
)
AREA_CODES = (201, 212, 303, 312, 404, 415, 503, 512, 602, 617, 702, 713, 720, 773, 786, 206, 305, 480)  # fmt: skip
TAGS = _words("vip newsletter trade-show referral webinar partner-lead churn-risk beta")
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


PERSON_COLUMNS = (
    "id", "created_at", "updated_at", "custom_fields", "deleted_at", "version", "street", "city", "region", "postcode",
    "country", "honorific", "first_name", "middle_name", "last_name", "suffix", "email", "phone", "title", "birthday",
    "source", "lifecycle_stage", "email_consent", "email_consent_at", "email_consent_method", "search_text",
    "owner_id", "team_id",
)  # fmt: skip
ORG_COLUMNS = (
    "id", "created_at", "updated_at", "custom_fields", "deleted_at", "version", "street", "city", "region", "postcode",
    "country", "name", "domain", "phone", "industry", "size", "relationship_type", "search_text", "owner_id",
    "team_id",
)  # fmt: skip


# A person's load also fills their e-mails, phones, affiliations and tags.
PERSON_TABLES = (Person, PersonEmail, PersonPhone, Affiliation, Person.tags.through)


def ensure_demo_users(rng: random.Random) -> list[DemoTeam]:
    """Two teams, each with a manager and three reps (no password: an admin sets one)."""
    result = []
    for team_name, people in (
        ("Sales", ("maria", "tom", "aisha", "kenji")),
        ("Service", ("lucas", "emma", "noor", "ravi")),
    ):
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


def seed_organizations(
    *, count: int, teams: Sequence[DemoTeam], rng: random.Random, batch: int = 10000
) -> list[int]:
    now = timezone.now()
    owners = _owner_choices(teams)
    rel_types, rel_cum = _cumulative(
        list(zip(RelationshipType.values, [50, 30, 8, 8, 2, 2], strict=True))
    )
    sizes = OrganizationSize.values[1:]
    ids: list[int] = []
    with bulk_load([Organization], rows=count):
        writer = RowWriter()
        for start in range(0, count, batch):
            block = writer.reserve_ids(Organization, min(batch, count - start))
            rows = []
            for pk, i in zip(block, range(start, start + len(block)), strict=True):
                name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)}" + (
                    f" {i}" if count > 300 else ""
                )
                domain = f"{name.lower().replace(' ', '')}.example"
                city, country = rng.choice(CITIES)
                owner_id, team_id = rng.choice(owners)
                rows.append((
                    pk, writer.dt(now - timedelta(days=rng.randrange(0, 900))),
                    writer.dt(now - timedelta(minutes=rng.randrange(0, 500000))), "{}", None, 1,
                    # No phone: drawing one would change every later random draw, so every seed.
                    "", city, "", "", country, name, domain, "", rng.choice(INDUSTRIES), rng.choice(sizes),
                    rel_types[bisect(rel_cum, rng.random())], f"{name.lower()} {domain}", owner_id, team_id,
                ))  # fmt: skip
            writer.insert(Organization, ORG_COLUMNS, rows)
            ids.extend(block)
    return ids


def _owner_choices(teams: Sequence[DemoTeam]) -> list[tuple[int, int]]:
    """(owner id, team id) pairs, each team equally likely, then each of its members."""
    width = max(len(t.members) for t in teams)
    return [(t.members[i % len(t.members)].pk, t.team.pk) for t in teams for i in range(width)]


def _cumulative(weighted: Sequence[tuple[str, int]]) -> tuple[list[str], list[float]]:
    total = sum(w for _, w in weighted)
    values, cum, acc = [], [], 0
    for value, weight in weighted:
        acc += weight
        values.append(value)
        cum.append(acc / total)
    cum[-1] = 1.01  # random() < 1, so the last bucket always catches
    return values, cum


@dataclass
class _PeopleBatch:
    people: list[tuple[Any, ...]]
    emails: list[tuple[Any, ...]]
    phones: list[tuple[Any, ...]]
    affiliations: list[tuple[Any, ...]]
    tags: list[tuple[Any, ...]]

    def write(self, writer: RowWriter) -> None:
        writer.insert(Person, PERSON_COLUMNS, self.people)
        writer.insert(PersonEmail, ("email", "label", "is_primary", "person_id"), self.emails)
        writer.insert(PersonPhone, ("number", "label", "is_primary", "person_id"), self.phones)
        writer.insert(
            Affiliation, ("role", "is_primary", "organization_id", "person_id"), self.affiliations
        )
        writer.insert(Person.tags.through, ("person_id", "tag_id"), self.tags)


class _PeopleMaker:
    """Builds people rows (and their e-mail, phone, affiliation and tag rows)."""

    def __init__(
        self, *, teams: Sequence[DemoTeam], org_names: dict[int, str], rng: random.Random
    ) -> None:
        self.rng = rng
        self.org_choices = list(org_names)
        self.folded_orgs = {pk: fold(name) for pk, name in org_names.items()}
        self.tag_ids = [Tag.objects.get_or_create(name=t)[0].pk for t in TAGS]
        self.owners = _owner_choices(teams)
        self.stages, self.stage_cum = _cumulative(STAGE_WEIGHTS)
        self.consents, self.consent_cum = _cumulative(
            list(zip(ConsentStatus.values, [40, 45, 10, 5], strict=True))
        )
        self.titles = ["", "Owner", "Buyer", "CTO", "Office manager", "Head of operations"]
        self.now = timezone.now()

    def batch(self, writer: RowWriter, ids: Sequence[int], first_serial: int) -> _PeopleBatch:
        rng, now, dt = self.rng, self.now, writer.dt
        out = _PeopleBatch([], [], [], [], [])
        for pk, i in zip(ids, range(first_serial, first_serial + len(ids)), strict=True):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{_FOLDED[first]}.{_FOLDED[last]}{i}@mail.example".replace(" ", "")
            phone, phone_tokens = _phone(rng)
            org_id = (
                rng.choice(self.org_choices) if self.org_choices and rng.random() < 0.7 else None
            )
            owner_id, team_id = rng.choice(self.owners)
            city, country = rng.choice(CITIES)
            consent = self.consents[bisect(self.consent_cum, rng.random())]
            title = rng.choice(self.titles)
            org_text = self.folded_orgs[org_id] if org_id else ""
            search = " ".join([_FOLDED[first], _FOLDED[last], email, *phone_tokens, org_text])
            out.people.append((
                pk, dt(now - timedelta(days=rng.randrange(0, 900))),
                dt(now - timedelta(minutes=rng.randrange(0, 500000))), "{}", None, 1,
                f"{rng.randrange(1, 999)} {rng.choice(STREETS)}", city, "", f"{rng.randrange(10000, 99999)}", country,
                "", first, "", last, "", email, phone, title,
                writer.date(date(1950, 1, 1) + timedelta(days=rng.randrange(0, 18000))) if rng.random() < 0.4 else None,
                rng.choice(SOURCES), self.stages[bisect(self.stage_cum, rng.random())], consent,
                dt(now - timedelta(days=rng.randrange(0, 700))) if consent != "unknown" else None,
                "web form checkbox" if consent == "granted" else "", search, owner_id, team_id,
            ))  # fmt: skip
            out.emails.append((email, "", True, pk))
            out.phones.append((phone, "", True, pk))
            if org_id:
                out.affiliations.append((title, True, org_id, pk))
            if rng.random() < 0.35:
                out.tags.append((pk, rng.choice(self.tag_ids)))
        return out


def seed_people(*, count: int, teams: Sequence[DemoTeam], org_ids: Sequence[int], rng: random.Random,
                batch: int = 10000, progress: bool = False) -> int:  # fmt: skip
    if len(org_ids) < 20000:
        org_names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    else:
        org_names = dict(Organization.objects.values_list("pk", "name").iterator(chunk_size=20000))
    maker = _PeopleMaker(teams=teams, org_names=org_names, rng=rng)
    first_serial = Person.objects.count()
    made = 0
    with bulk_load(PERSON_TABLES, rows=count):
        writer = RowWriter()
        while made < count:
            ids = writer.reserve_ids(Person, min(batch, count - made))
            maker.batch(writer, ids, first_serial + made).write(writer)
            made += len(ids)
            if progress:
                print(f"\r  people: {made:,}/{count:,}", end="", flush=True)
    if progress:
        print()
    return made
