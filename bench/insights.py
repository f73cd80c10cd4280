#!/usr/bin/env python
"""The insights recompute job on 100,000 customers with about 200,000 orders, in SQLite.

    .venv/bin/python bench/insights.py [--customers N] [--data-dir DIR]

Seeds a fresh SQLite data folder (people with bulk_create, orders drawn from the
BG/NBD simulator as ``rapport demo`` does), then runs ``insights_recompute`` in a
fresh process so its peak memory (max RSS) is the job's own: reading the orders,
fitting both models on a calibration period and scoring the holdout, refitting,
scoring every customer and storing the scores. Target: well under a minute.
Figures go to bench/results/insights.json.
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
RESULTS = ROOT / "bench" / "results" / "insights.json"
TARGET_SECONDS = 60.0


def _django(data_dir: Path) -> None:
    os.environ["RAPPORT_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(customers: int, data_dir: Path) -> dict[str, Any]:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    _django(data_dir)
    import datetime as dt
    from decimal import Decimal

    import numpy as np
    from django.core.management import call_command

    from rapport.people.models import Person
    from rapport.sales.models import Order
    from rapport_analytics.clv import BGNBDParams, GammaGammaParams
    from rapport_analytics.clv.simulate import simulate_transaction_log

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    Person.objects.bulk_create(
        (Person(first_name=f"Customer{i}", last_name="Bench") for i in range(customers)),
        batch_size=5000,
    )
    ids = list(Person.objects.values_list("id", flat=True))
    log = simulate_transaction_log(
        BGNBDParams(r=0.3, alpha=9.0, a=0.7, b=2.6), GammaGammaParams(p=6.0, q=3.8, gamma=14.0),
        n_customers=len(ids), cohort_days=700, observation_days=730,
        rng=np.random.default_rng(7),
    )  # fmt: skip
    start = dt.date.today() - dt.timedelta(days=730)
    owners = np.asarray(ids)[np.asarray(log.customer_ids) - 1]
    batch: list[Order] = []
    for owner, day, amount in zip(owners.tolist(), log.days.tolist(), log.amounts.tolist(),
                                  strict=True):  # fmt: skip
        batch.append(Order(person_id=owner, ordered_at=start + dt.timedelta(days=day),
                           amount=Decimal(str(max(amount, 1.0))), currency="EUR"))  # fmt: skip
        if len(batch) == 20_000:
            Order.objects.bulk_create(batch)
            batch = []
    Order.objects.bulk_create(batch)
    return {
        "customers": len(ids),
        "orders": len(log),
        "seed_seconds": time.perf_counter() - started,
    }


def child(data_dir: Path) -> None:
    _django(data_dir)
    from rapport.insights.recompute import insights_recompute

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    run = insights_recompute(triggered_by=None)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "status": run.status, "message": run.message, "model": run.model,
        "recompute_seconds": round(seconds, 2), "peak_rss_mb": round(peak / 1024, 1),
        "rss_before_mb": round(before / 1024, 1), "scored": run.n_customers,
        "orders_read": run.n_orders, "diagnostics_correlation": run.diagnostics.get("correlation"),
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-insights"))
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
    # recompute's max RSS must not include the seeding.
    seeded = subprocess.run(
        [sys.executable, __file__, "--seed-only", "--customers", str(args.customers),
         "--data-dir", str(args.data_dir)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    figures = json.loads(seeded.stdout.strip().splitlines()[-1])
    measured = subprocess.run(
        [sys.executable, __file__, "--child", "--data-dir", str(args.data_dir)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    figures.update(json.loads(measured.stdout.strip().splitlines()[-1]))
    figures["target_seconds"] = TARGET_SECONDS
    figures["met"] = figures["status"] == "done" and figures["recompute_seconds"] < TARGET_SECONDS
    figures["load_average"] = os.getloadavg()
    figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
