#!/usr/bin/env python
"""A person with 10,000 activities: server time of the first timeline page.

    .venv/bin/python bench/timeline.py [--activities N] [--requests R] [--db sqlite|postgres|both]

Each database runs in its own subprocess (settings read RAPPORT_DATA_DIR and
DATABASE_URL at import): SQLite in a fresh data folder, PostgreSQL in a freshly
created database. The child seeds one person (and an organisation) with N notes,
calls and meetings over three years, a few tasks and field changes, then times,
through Django's test client in-process (server time: middleware, session, the
merged query, template; no network), as the person's owner (a rep under team
visibility): the timeline panel's first page, its first page filtered to calls,
a "load older" page deep in the history, and the API's first page of activities.
Target: first timeline page p95 <= 50 ms. Figures go to bench/results/timeline.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "timeline.json"
SQLITE_DIR = Path("/tmp/bench-timeline-sqlite")
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/rapport_activities_bench"
TARGET_P95_MS = 50.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_TIMELINE_DATABASE_URL") or DEFAULT_PG_URL
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- child: seed and time ------------------------------------------------------------------------


def seed(n: int) -> dict[str, Any]:
    import random
    from datetime import timedelta

    from django.utils import timezone

    from rapport.accounts.models import Role
    from rapport.accounts.services import team_get_or_create, user_create
    from rapport.activities.models import Activity, ActivityKind, ActivityLink
    from rapport.activities.task_services import task_create
    from rapport.people.services import organization_create, person_create, person_update

    rng = random.Random(7)
    team = team_get_or_create(name="North")
    rep, _ = user_create(username="rick", role=Role.REP, teams=[team])
    org = organization_create(actor=rep, data={"name": "Acme Bakery"})
    person = person_create(actor=rep, data={"first_name": "Ana", "last_name": "Souza",
                                            "organizations": [{"organization_id": org.pk}]})  # fmt: skip
    # Other people's history too, so the index has to pick Ana's rows out of many.
    others = [person_create(actor=rep, data={"first_name": f"Other {i}"}) for i in range(20)]
    now = timezone.now()
    kinds = [ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL_OUT]
    activities = []
    owners = []
    for i in range(n * 2):
        when = now - timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        kind = rng.choice(kinds)
        activities.append(Activity(
            kind=kind, actor=rep, subject=f"{kind} {i}", body="Talked about the **spring** order.\n- samples",
            occurred_at=when, created_at=when, updated_at=when,
            duration_minutes=20 if kind != ActivityKind.NOTE else None,
        ))  # fmt: skip
        owners.append(person if i % 2 == 0 else rng.choice(others))
    Activity.objects.bulk_create(activities, batch_size=5000)
    links = []
    for activity, owner in zip(activities, owners, strict=True):
        links.append(
            ActivityLink(
                activity=activity,
                person=owner,
                occurred_at=activity.occurred_at,
                kind=activity.kind,
            )
        )
        if activity.kind == ActivityKind.MEETING and owner is person:
            links.append(
                ActivityLink(
                    activity=activity,
                    organization=org,
                    occurred_at=activity.occurred_at,
                    kind=activity.kind,
                )
            )
    ActivityLink.objects.bulk_create(links, batch_size=5000)
    for i in range(30):
        task_create(
            actor=rep,
            data={"title": f"Task {i}", "due_at": now + timedelta(days=i), "people": [person.pk]},
        )
    for i in range(30):
        person_update(actor=rep, person=person, data={"title": f"Title {i}"})
    on_person = ActivityLink.objects.filter(person=person).count()
    return {
        "rep": rep,
        "person": person,
        "activities_on_person": on_person,
        "activities_total": len(activities),
    }


def time_case(
    client: Any, url: str, requests: int, warmup: int, headers: dict[str, str]
) -> dict[str, float]:
    """Wall-clock server time per request, and this process's CPU time per request: on a
    shared machine the second shows the work itself, without waiting for a core."""
    for _ in range(warmup):
        assert client.get(url, headers=headers).status_code == 200
    wall, cpu = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    wall.sort()
    cpu.sort()
    p95 = int(len(wall) * 0.95) - 1
    return {
        "requests": requests, "p50_ms": round(statistics.median(wall), 2), "p95_ms": round(wall[p95], 2),
        "max_ms": round(wall[-1], 2), "cpu_p50_ms": round(statistics.median(cpu), 2), "cpu_p95_ms": round(cpu[p95], 2),
    }  # fmt: skip


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from rapport.activities.timeline import Cursor, timeline_page

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    world = seed(args.activities)
    seed_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(world["rep"])
    person = world["person"]
    url = reverse("activities:person_timeline", args=[person.pk])
    hx = {"HX-Request": "true"}
    deep = timeline_page(entity="person", record=person, user=world["rep"], limit=20)
    cursor: Cursor | None = deep.next_cursor
    for _ in range(200):  # 4,000 items down
        assert cursor is not None
        cursor = timeline_page(
            entity="person", record=person, user=world["rep"], before=cursor, limit=20
        ).next_cursor
    assert cursor is not None
    cases = {
        "timeline first page": (url, hx),
        "timeline first page, calls only": (f"{url}?kind=call", hx),
        "timeline page 200 (load older)": (f"{url}?before={quote(cursor.encode())}", hx),
        "API /activities?person= first page": (
            f"/api/v1/activities?person={person.pk}&limit=50",
            {},
        ),
    }
    results = {
        name: time_case(client, u, args.requests, args.warmup, h) for name, (u, h) in cases.items()
    }
    out = {
        "database": connection.vendor, "activities_on_person": world["activities_on_person"],
        "activities_total": world["activities_total"], "seed_s": round(seed_s, 1), "cases": results,
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": results["timeline first page"]["p95_ms"] <= TARGET_P95_MS,
        "load_average": os.getloadavg(),
    }  # fmt: skip
    assert args.child_out is not None
    args.child_out.write_text(json.dumps(out, indent=2))


# --- parent ---------------------------------------------------------------------------------------


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(db: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "RAPPORT_DATA_DIR"}}
    env["RAPPORT_API_RATE_LIMIT"] = "100000000"
    env["RAPPORT_ALLOWED_HOSTS"] = "testserver"
    shutil.rmtree(SQLITE_DIR, ignore_errors=True)
    SQLITE_DIR.mkdir(parents=True)
    env["RAPPORT_DATA_DIR"] = str(SQLITE_DIR)
    if db == "postgres":
        _recreate_postgres(args.postgres_url)
        env["DATABASE_URL"] = args.postgres_url
    out = SQLITE_DIR.parent / f"bench-timeline-{db}.json"
    command = [sys.executable, __file__, "--child", db, "--child-out", str(out),
               "--activities", str(args.activities), "--requests", str(args.requests), "--warmup", str(args.warmup)]  # fmt: skip
    subprocess.run(command, env=env, check=True, cwd=ROOT)
    return dict(json.loads(out.read_text()))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    sys.path.insert(0, str(ROOT))
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    results = dict(previous.get("databases", {}))
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        try:
            results[db] = run(db, args)
        except Exception as exc:  # e.g. no PostgreSQL server here: keep the other figures
            print(f"{db}: not run ({exc})", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"databases": results}, indent=2) + "\n")
    for db, result in results.items():
        print(f"\n{db}: {result['activities_on_person']:,} activities on the person "
              f"({result['activities_total']:,} in all), seeded in {result['seed_s']} s")  # fmt: skip
        for name, figures in result["cases"].items():
            print(
                f"  {name:40} p50 {figures['p50_ms']:7.2f} ms  p95 {figures['p95_ms']:7.2f} ms  max {figures['max_ms']:7.2f} ms"
            )
        verdict = "meets" if result["meets_target"] else "MISSES"
        print(
            f"  first page p95 target {TARGET_P95_MS} ms: {verdict} (load average {result['load_average'][0]:.1f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
