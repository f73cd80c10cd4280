"""The half of bench/foundation.py that runs inside one database's process.

It seeds, then times requests through Django's test client (the whole server
stack: middleware, session or bearer token, access checks, queries, template or
JSON) and the selectors' querysets on their own, for diagnosis.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WARN_STATUS = "non-200 answers"


@dataclass
class Actor:
    name: str
    user: Any
    page_client: Any
    api_client: Any
    person_ids: list[int]
    emails: list[str]


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    seeding = seed(args)
    after_load = settle(connection.vendor)
    rng = random.Random(args.seed + 1)
    actors = make_actors(rng)
    check_search_index()
    load_before = os.getloadavg()
    selectors = {a.name: time_selectors(a, rng, args) for a in actors}
    server = {a.name: time_server(a, rng, args) for a in actors}
    return {
        # Other processes on the machine slow every figure; the 1-minute load says how busy it was.
        "load_average_1min": {
            "before": round(load_before[0], 2),
            "after": round(os.getloadavg()[0], 2),
        },
        "vendor": connection.vendor,
        "server_version": _server_version(),
        "seeding": seeding,
        "after_load": after_load,
        "selectors": selectors,
        "server": server,
    }


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        return str(cursor.fetchone()[0])


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from rapport.people.demo import ensure_demo_users, seed_organizations, seed_people
    from rapport.people.models import Person

    if args.reuse and Person.objects.count() >= args.people:
        print(f"  reusing {Person.objects.count():,} people", flush=True)
        return {"skipped": True}
    rng = random.Random(args.seed)
    teams = ensure_demo_users(rng)
    start = time.perf_counter()
    org_ids = seed_organizations(count=args.organizations, teams=teams, rng=rng)
    orgs_done = time.perf_counter()
    people = seed_people(count=args.people, teams=teams, org_ids=org_ids, rng=rng, progress=True)
    done = time.perf_counter()
    tables = {
        "people": "people_person", "organizations": "people_organization", "emails": "people_personemail",
        "phones": "people_personphone", "affiliations": "people_affiliation", "tags": "people_person_tags",
    }  # fmt: skip
    rows: dict[str, int] = {}
    with connection.cursor() as cursor:
        for key, table in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            rows[key] = int(cursor.fetchone()[0])
    rows["total"] = sum(rows.values())
    seconds = done - start
    basic = rows["people"] + rows["organizations"] + rows["emails"] + rows["phones"]
    result = {
        "people": people,
        "organizations": args.organizations,
        "seconds": round(seconds, 2),
        "organizations_seconds": round(orgs_done - start, 2),
        "people_seconds": round(done - orgs_done, 2),
        "rows": rows,
        "rates": {
            "people": round(rows["people"] / seconds),
            "people_orgs_emails_phones": round(basic / seconds),
            "all_rows": round(rows["total"] / seconds),
        },
    }
    print(f"  seeded in {seconds:.1f} s: {result['rates']}", flush=True)
    return result


def settle(vendor: str) -> dict[str, Any]:
    """What a real server would do by itself after a big load.

    PostgreSQL's autovacuum analyses and vacuums a table once enough rows were
    inserted; we run the same VACUUM ANALYZE now instead of waiting for it. SQLite
    has no such daemon, so nothing is run there: the plans must be good without
    statistics.
    """
    from django.db import connection

    if vendor != "postgresql":
        return {"ran": "nothing"}
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"ran": "VACUUM ANALYZE", "seconds": round(time.perf_counter() - start, 1)}


def check_search_index() -> None:
    """The seeded search index must agree with the rows (a deferred rebuild could miss some)."""
    from django.db import connection

    from rapport.people.models import Person
    from rapport.people.search import apply_search

    found = apply_search(Person.objects.all(), "kowalski").count()
    expected = Person.objects.filter(search_text__contains="kowalski").count()
    if found != expected:
        raise SystemExit(f"search index out of step on {connection.vendor}: {found} != {expected}")


def make_actors(rng: random.Random) -> list[Actor]:
    from django.test import Client

    from rapport.accounts.access import visible_to
    from rapport.accounts.models import Role, User, Visibility
    from rapport.accounts.services import token_create, workspace_set_visibility
    from rapport.people.models import Person

    workspace_set_visibility(visibility=Visibility.TEAM)
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    rep = User.objects.get(username="tom")  # a rep in the demo's "Sales" team
    assert rep.role == Role.REP
    top = Person.objects.order_by("-pk").values_list("pk", flat=True)[0]
    actors = []
    for name, user in (("admin", admin), ("rep", rep)):
        # A failing page is recorded as its status (500) rather than ending the run.
        page_client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        page_client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        _, secret = token_create(user=user, name="bench")
        api_client = Client(
            HTTP_HOST="localhost",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            raise_request_exception=False,
        )
        candidates = {rng.randint(1, top) for _ in range(8000)}
        ids = list(
            visible_to(Person.objects.alive().filter(pk__in=candidates), user).values_list(
                "pk", flat=True
            )
        )
        emails = list(Person.objects.filter(pk__in=ids[:2000]).values_list("email", flat=True))
        actors.append(Actor(name, user, page_client, api_client, ids, emails))
    return actors


def name_fragment(rng: random.Random) -> str:
    """What people type in the search box: a surname or first-name start, or both names."""
    from rapport.people.demo import FIRST_NAMES, LAST_NAMES

    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    kind = rng.randrange(4)
    if kind == 0:
        return last[: rng.randint(3, len(last))]
    if kind == 1:
        return first[: rng.randint(3, max(3, len(first)))]
    if kind == 2:
        return f"{first} {last}"
    return f"{first} {last[:3]}"


def email_query(actor: Actor, rng: random.Random) -> str:
    email = rng.choice(actor.emails)
    return email if rng.random() < 0.5 else email.split("@")[0]


def _cases(actor: Actor, rng: random.Random) -> dict[str, tuple[Any, Callable[[], str]]]:
    from urllib.parse import urlencode

    from rapport.people.demo import TAGS

    page, api = actor.page_client, actor.api_client
    return {
        "list (recently updated)": (page, lambda: "/people/"),
        "list filtered by tag": (page, lambda: "/people/?" + urlencode({"tag": rng.choice(TAGS)})),
        "list sorted by name": (page, lambda: f"/people/?sort=name&page={rng.randint(1, 10)}"),
        "search by name": (page, lambda: "/people/?" + urlencode({"q": name_fragment(rng)})),
        "search by e-mail": (page, lambda: "/people/?" + urlencode({"q": email_query(actor, rng)})),
        "person page": (page, lambda: f"/people/{rng.choice(actor.person_ids)}/"),
        "api list": (api, lambda: "/api/v1/people"),
        "api list filtered by tag": (
            api,
            lambda: "/api/v1/people?" + urlencode({"tag": rng.choice(TAGS)}),
        ),
        "api get": (api, lambda: f"/api/v1/people/{rng.choice(actor.person_ids)}"),
    }


def summarize(
    samples: list[float], statuses: dict[int, int], queries: int | None
) -> dict[str, Any]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "n": len(samples), "p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2),
        "max_ms": round(max(samples), 2), "mean_ms": round(statistics.fmean(samples), 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())}, "queries": queries,
    }  # fmt: skip


def time_server(actor: Actor, rng: random.Random, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    results = {}
    executed: list[str] = []

    def count_queries(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    for case, (client, make_url) in _cases(actor, rng).items():
        statuses: dict[int, int] = {}
        for _ in range(args.warmup):
            client.get(make_url())
        executed.clear()
        with connection.execute_wrapper(count_queries):
            client.get(make_url())
        samples = []
        for _ in range(args.requests):
            url = make_url()
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        results[case] = summarize(samples, statuses, len(executed))
        row = results[case]
        print(f"  {actor.name:<6} {case:<26} p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f} ms"
              f"  {row['queries']} queries  {row['statuses']}", flush=True)  # fmt: skip
    return results


def time_selectors(actor: Actor, rng: random.Random, args: argparse.Namespace) -> dict[str, Any]:
    """The list's database work alone (filter, capped count, one page of rows with relations)."""
    from rapport.accounts.models import User
    from rapport.people.demo import TAGS
    from rapport.people.selectors import (
        ListFilter,
        capped_count,
        person_detail,
        person_list,
        with_list_relations,
    )

    def list_page(params: dict[str, str], page: int = 1) -> None:
        user = User.objects.get(pk=actor.user.pk)  # a fresh user per request, like a request's
        qs = person_list(user=user, flt=ListFilter.from_params(params))
        capped_count(qs)
        list(with_list_relations(qs)[(page - 1) * 50 : page * 50])

    cases: dict[str, Callable[[], object]] = {
        "list (recently updated)": lambda: list_page({}),
        "list filtered by tag": lambda: list_page({"tag": rng.choice(TAGS)}),
        "list sorted by name": lambda: list_page({"sort": "name"}, rng.randint(1, 10)),
        "search by name": lambda: list_page({"q": name_fragment(rng)}),
        "search by e-mail": lambda: list_page({"q": email_query(actor, rng)}),
        "person detail": lambda: person_detail(user=actor.user, pk=rng.choice(actor.person_ids)),
    }
    results = {}
    for case, run in cases.items():
        for _ in range(max(3, args.warmup // 4)):
            run()
        samples = []
        for _ in range(max(50, args.requests // 4)):
            start = time.perf_counter()
            run()
            samples.append((time.perf_counter() - start) * 1000)
        results[case] = summarize(samples, {}, None)
    return results
