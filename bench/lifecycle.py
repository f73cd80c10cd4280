#!/usr/bin/env python
"""Lifecycle stages for every customer, in SQLite: the first computation and the nightly one.

    .venv/bin/python bench/lifecycle.py [--customers N] [--data-dir DIR]

Seeds a fresh SQLite data folder with N people and about 2 N orders (1 + a geometric
number of orders each, on random days over three years), written as plain tuples built
from one model instance's column values (the ORM's per-object work would be most of the
seeding time). Then, in a fresh process so that its peak memory is the job's own, runs
``lifecycle_recompute`` three times: the first computation (every customer's history
replayed and stored), the same day again (nothing changed: the nightly case with no new
orders) and the next day (only the customers crossing a threshold change).
Target: 1,000,000 customers in ≤ 60 s. Figures go to bench/results/lifecycle.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "lifecycle.json"
TARGET_SECONDS = 60.0
BATCH = 20_000


def _django(data_dir: Path) -> None:
    os.environ["RAPPORT_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _template(obj: Any) -> tuple[list[str], list[Any]]:
    """Column names and database values of one unsaved instance (its defaults filled in)."""
    from django.db import connection

    fields = [f for f in type(obj)._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    return columns, values


def _write(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def seed(customers: int, data_dir: Path) -> dict[str, Any]:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    _django(data_dir)
    import datetime as dt

    import numpy as np
    from django.core.management import call_command
    from django.db import transaction

    from rapport.people.models import Person
    from rapport.sales.models import Order

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    columns, values = _template(Person(first_name="Customer", last_name="Bench"))
    first = columns.index("first_name")
    with transaction.atomic():
        for start in range(0, customers, BATCH):
            rows = []
            for i in range(start, min(customers, start + BATCH)):
                row = list(values)
                row[first] = f"Customer{i}"
                rows.append(tuple(row))
            _write(Person._meta.db_table, columns, rows)
    ids = np.asarray(Person.objects.order_by("pk").values_list("pk", flat=True), dtype=np.int64)
    rng = np.random.default_rng(7)
    per_customer = 1 + rng.geometric(0.5, size=len(ids)) - 1  # mean 2
    owners = np.repeat(ids, per_customer)
    today = dt.date.today()
    days = rng.integers(0, 3 * 365, size=len(owners))
    sample = Order(person_id=int(ids[0]), ordered_at=today, amount=50, currency="EUR")
    columns, values = _template(sample)
    at_person, at_day = columns.index("person_id"), columns.index("ordered_at")
    with transaction.atomic():
        for start in range(0, len(owners), BATCH):
            rows = []
            for owner, day in zip(owners[start : start + BATCH].tolist(),
                                  days[start : start + BATCH].tolist(), strict=True):  # fmt: skip
                row = list(values)
                row[at_person] = owner
                row[at_day] = (today - dt.timedelta(days=day)).isoformat()
                rows.append(tuple(row))
            _write(Order._meta.db_table, columns, rows)
    return {"customers": len(ids), "orders": len(owners),
            "seed_seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


def child(data_dir: Path) -> None:
    _django(data_dir)
    import datetime as dt

    from django.utils import timezone

    from rapport.insights.lifecycle import lifecycle_recompute
    from rapport.insights.models import LifecycleTransition

    today = timezone.localdate()
    figures: dict[str, Any] = {}
    for name, as_of in (("first", today), ("again_same_day", today),
                        ("next_day", today + dt.timedelta(days=1))):  # fmt: skip
        started = time.perf_counter()
        result = lifecycle_recompute(as_of=as_of)
        figures[name] = {"seconds": round(time.perf_counter() - started, 2),
                         "customers": result.customers, "transitions": result.transitions,
                         "people_changed": result.people_changed}  # fmt: skip
    figures["transitions_stored"] = LifecycleTransition.objects.count()
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-lifecycle"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.child:
        child(args.data_dir)
        return
    if args.seed_only:
        print(json.dumps(seed(args.customers, args.data_dir)))
        return
    # Each step in its own process: the settings read RAPPORT_DATA_DIR at import, and the
    # computation's max RSS must not include the seeding.
    seeded = subprocess.run(
        [sys.executable, __file__, "--seed-only", "--customers", str(args.customers),
         "--data-dir", str(args.data_dir)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    figures = json.loads(seeded.stdout.strip().splitlines()[-1])
    load_before = os.getloadavg()[0]
    measured = subprocess.run(
        [sys.executable, __file__, "--child", "--data-dir", str(args.data_dir)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    figures.update(json.loads(measured.stdout.strip().splitlines()[-1]))
    figures["target_seconds"] = TARGET_SECONDS
    figures["met_at_this_size"] = figures["first"]["seconds"] <= TARGET_SECONDS
    figures["load_average_1min"] = [load_before, os.getloadavg()[0]]
    figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
