#!/usr/bin/env python
"""The playbook at scale: page server time read from snapshots, the nightly snapshot of
every indicator for the workspace, each team and each rep, and objectives' evaluation.

    .venv/bin/python bench/playbooks.py [--people 100000] [--requests 100] [--postgres-url URL]

Seeds N people (the demo's generator: 2 teams, 8 users), 2N orders and 10N activities
(each with its timeline link) spread over three years, runs the value recompute once,
then times, in process through Django's test client (server time, no network):
``GET /playbooks/`` as the admin (workspace scope) and as a rep (his own records),
``GET /me/``, and one ``snapshot_take()`` (every indicator × every scope),
then ``objectives_evaluate()`` over 100 objectives. The issue's targets, at 1M people,
2M orders, 10M activities: page p95 <= 200 ms, snapshot <= 5 minutes.
SQLite in /tmp/bench-playbooks unless --postgres-url (dropped and created again).
Figures go to bench/results/playbooks.json, keyed by database and size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 20_000


def _ms(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(1000 * xs[min(len(xs) - 1, int(q * len(xs)))], 1)


def _setup(args: argparse.Namespace) -> None:
    data = Path("/tmp/bench-playbooks")
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    os.environ["RAPPORT_DATA_DIR"] = str(data)
    os.environ.setdefault("RAPPORT_SECRET_KEY", "bench-playbooks")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if args.postgres_url:
        base, _, name = args.postgres_url.rpartition("/")
        subprocess.run(["psql", f"{base}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                        "-c", f"CREATE DATABASE {name}"], check=True)  # fmt: skip
        os.environ["DATABASE_URL"] = args.postgres_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip


def _seed(n: int, rng: random.Random) -> dict[str, float]:
    from django.core.management import call_command
    from django.utils import timezone

    from rapport.activities.models import Activity, ActivityKind, ActivityLink
    from rapport.people.demo import ensure_demo_users, seed_organizations, seed_people
    from rapport.people.models import Person
    from rapport.sales.models import Order

    timings: dict[str, float] = {}
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    teams = ensure_demo_users(rng)
    org_ids = seed_organizations(count=max(1, n // 7), teams=teams, rng=rng)
    seed_people(count=n, teams=teams, org_ids=org_ids, rng=rng)
    timings["people_s"] = time.perf_counter() - t
    ids = list(Person.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    t = time.perf_counter()
    buyers = rng.sample(ids, k=len(ids) * 6 // 10)  # 60 % have bought; the rest are prospects
    orders = []
    for i in range(2 * n):
        orders.append(Order(person_id=buyers[i % len(buyers)] if i < len(buyers) else rng.choice(buyers),
                            ordered_at=today - dt.timedelta(days=rng.randrange(0, 3 * 365)),
                            amount=Decimal(rng.randrange(500, 30_000)) / 100, currency="EUR",
                            source="bench", external_ref=f"b{i}"))  # fmt: skip
        if len(orders) == BATCH:
            Order.objects.bulk_create(orders)
            orders = []
    Order.objects.bulk_create(orders)
    timings["orders_s"] = time.perf_counter() - t
    t = time.perf_counter()
    kinds = [ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL_OUT]
    now = timezone.now()
    for start in range(0, 10 * n, BATCH):
        size = min(BATCH, 10 * n - start)
        batch = []
        for _ in range(size):
            batch.append(Activity(kind=rng.choice(kinds), subject="bench",
                                  occurred_at=now - dt.timedelta(minutes=rng.randrange(0, 3 * 525_600))))  # fmt: skip
        created = Activity.objects.bulk_create(batch)
        ActivityLink.objects.bulk_create(
            ActivityLink(activity_id=a.pk, person_id=rng.choice(ids), occurred_at=a.occurred_at, kind=a.kind)
            for a in created
        )  # fmt: skip
    timings["activities_s"] = time.perf_counter() - t
    t = time.perf_counter()
    from rapport.insights.recompute import insights_recompute

    run = insights_recompute(triggered_by=None)
    timings["recompute_s"] = time.perf_counter() - t
    timings["recompute_status"] = 1.0 if run.status == "done" else 0.0
    return {k: round(v, 1) for k, v in timings.items()}


def _time_get(client: Any, path: str, requests: int) -> dict[str, float]:
    for _ in range(5):
        assert client.get(path).status_code == 200, path
    xs = []
    for _ in range(requests):
        t = time.perf_counter()
        response = client.get(path)
        xs.append(time.perf_counter() - t)
        assert response.status_code == 200
    return {
        "p50_ms": _ms(xs, 0.5),
        "p95_ms": _ms(xs, 0.95),
        "mean_ms": round(1000 * statistics.mean(xs), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--postgres-url")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    _setup(args)
    from django.test import Client
    from django.utils import timezone

    from rapport.accounts.models import User
    from rapport.accounts.services import user_create
    from rapport.objectives.models import Objective
    from rapport.objectives.services import objectives_evaluate
    from rapport.playbooks.services import snapshot_take

    rng = random.Random(args.seed)
    result: dict[str, Any] = {
        "people": args.people,
        "orders": 2 * args.people,
        "activities": 10 * args.people,
    }
    result["seed"] = _seed(args.people, rng)
    t = time.perf_counter()
    report = snapshot_take()
    result["snapshot"] = {
        "seconds": round(time.perf_counter() - t, 1),
        "rows": report.rows,
        "scopes": report.scopes,
    }
    admin, _ = user_create(username="bench-admin", role="admin")
    rep = User.objects.get(username="tom")
    today = timezone.localdate()
    Objective.objects.bulk_create(
        Objective(title=f"O{i}", indicator="identify.consent_known_share", scope_kind="owner", scope_id=rep.pk,
                  baseline=0.1, target=0.9, start=today - dt.timedelta(days=30),
                  deadline=today + dt.timedelta(days=60), owner=rep, created_by=rep)
        for i in range(100)
    )  # fmt: skip
    t = time.perf_counter()
    objectives_evaluate()
    result["objectives_evaluate_100_s"] = round(time.perf_counter() - t, 2)
    pages: dict[str, Any] = {}
    for user, label in ((admin, "admin"), (rep, "rep")):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        pages[f"playbook_{label}"] = _time_get(client, "/playbooks/", args.requests)
        pages[f"my_work_{label}"] = _time_get(client, "/me/", args.requests)
    result["pages"] = pages
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    db = "postgres" if args.postgres_url else "sqlite"
    out = ROOT / "bench" / "results" / "playbooks.json"
    stored = json.loads(out.read_text()) if out.exists() else {}
    stored[f"{db}_{args.people}"] = result
    out.write_text(json.dumps(stored, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
