#!/usr/bin/env python
"""Importing a million people from CSV, end to end, on SQLite and PostgreSQL.

    .venv/bin/python bench/imports.py [--rows N] [--db sqlite|postgres|both] [--workers W]

Generates a realistic people CSV (HubSpot-style column names, mixed phone
formats, names in every case, tags, organisations, ~1% dirty rows: bad e-mails,
bad phones, over-long cells, formula cells), then runs the real command,
``rapport import people FILE``, in a fresh database: a fresh SQLite data folder,
and a freshly created PostgreSQL database (``--postgres-url``, default
$BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/rapport_importbench).
Reports rows/s end to end (process start to exit: parse, normalise, validate,
key lookups, the duplicate check's keys, write, commit) and the peak memory (ru_maxrss) of the import
process and its helper; then imports the same file again (nothing new must be
created) and checks the counts. Figures go to bench/results/imports.json.

The duplicate check's keys and profiles of the people an import creates are
written by the import itself, in each batch (the run checks every new person has
them). What is left to the worker (keys of changed people and of new
organisations, queued as each batch commits) is drained by ``--keys``, in one
process as the worker would, and timed apart.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "imports.json"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/rapport_importbench"
TARGET_ROWS_PER_S = 25_000
TARGET_PEAK_MB = 1024
FIRST = ["Ana", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "José", "Zoë", "Chloé", "Søren", "Mary-Jane"]  # fmt: skip
LAST = ["Souza", "Smith", "Müller", "Garcia", "Rossi", "Kowalski", "Nguyen", "Johansson", "Haddad", "Tanaka", "Okafor", "Novak", "Silva", "Dubois", "Martin", "O'Brien", "McDonald", "van", "der", "Berg", "Lopez", "Kim", "Chen", "Singh", "Patel"]  # fmt: skip
COMPANIES = [f"{w} {k}" for w in ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Wonka", "Stark")
             for k in ("Bakery", "Labs", "Logistics", "Foods", "Partners")]  # fmt: skip
AREA = (201, 212, 303, 312, 404, 415, 503, 512, 602, 617, 702, 713, 720, 773, 786, 206, 305, 480)
STAGES = ("lead", "subscriber", "customer", "opportunity", "evangelist", "")
HEADER = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name",
          "Job Title", "Lifecycle Stage", "City", "Country/Region", "Tags"]  # fmt: skip


def generate(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            case = rng.random()
            if case < 0.1:
                first, last = first.upper(), last.upper()
            elif case < 0.15:
                first, last = first.lower(), last.lower()
            email = f"{first.lower()}.{last.lower().replace(' ', '')}{i}@mail{i % 97}.example.com"
            area, exchange, line = rng.choice(AREA), rng.randrange(200, 1000), rng.randrange(10000)
            exchange += exchange % 100 == 11
            phone = rng.choice((f"({area}) {exchange}-{line:04d}", f"+1 {area} {exchange} {line:04d}",
                                f"{area}.{exchange}.{line:04d}", f"1{area}{exchange}{line:04d}", ""))  # fmt: skip
            dirt = rng.random()
            if dirt < 0.003:
                email = email.replace("@", " at ")
            elif dirt < 0.006:
                phone = "12345"
            elif dirt < 0.008:
                first = '=HYPERLINK("http://x")'
            elif dirt < 0.009:
                last = "x" * 300
            writer.writerow([
                f"hs-{i}", f"  {first} ", last, email.upper() if rng.random() < 0.05 else email,
                phone, rng.choice(COMPANIES) if rng.random() < 0.6 else "",
                rng.choice(("", "CTO", "Buyer", "Owner")), rng.choice(STAGES),
                rng.choice(("Springfield", "Austin", "Lisboa", "São Paulo", "")),
                rng.choice(("US", "United States", "")), rng.choice(("", "", "vip", "newsletter;vip")),
            ])  # fmt: skip


def _env(db: str, data_dir: Path, pg_url: str) -> dict[str, str]:
    env = {**os.environ, "RAPPORT_DATA_DIR": str(data_dir), "RAPPORT_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    if db == "postgres":
        env["DATABASE_URL"] = pg_url
    return env


def _fresh_database(db: str, data_dir: Path, pg_url: str) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    if db == "postgres":
        import psycopg

        base, _, name = pg_url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    env = _env(db, data_dir, pg_url)
    rapport = str(Path(sys.executable).with_name("rapport"))
    subprocess.run([rapport, "migrate", "-v0"], env=env, check=True)
    subprocess.run([rapport, "user", "create", "--username", "bench", "--role", "admin",
                    "--password-stdin"], input=b"correct horse battery staple\n", env=env,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip


def _timed_import(
    db: str, data_dir: Path, pg_url: str, csv_path: Path, workers: int
) -> dict[str, Any]:
    env = _env(db, data_dir, pg_url)
    rapport = str(Path(sys.executable).with_name("rapport"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([rapport, "import", "people", str(csv_path), "--quiet",
                           "--workers", str(workers)], env=env, capture_output=True, text=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise SystemExit(f"import failed on {db}: {done.stderr[-2000:]}")
    return {"seconds": round(elapsed, 2), "summary": done.stdout.strip(),
            "peak_mb_at_least": round(max(peak_kb, before) / 1024, 1)}  # fmt: skip


KEYED = """
from rapport.dedupe.models import MatchProfile
from rapport.people.models import Person
print(Person.objects.count(), MatchProfile.objects.filter(entity="person").count())
"""

DRAIN = """
import time
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY
autodiscover_modules("tasks")  # as the consumer does: jobs resolve by their module path
start, jobs = time.perf_counter(), 0
while (task := HUEY.dequeue()) is not None:
    HUEY.execute(task)
    jobs += 1
print(jobs, round(time.perf_counter() - start, 2))
"""


def _shell(db: str, data_dir: Path, pg_url: str, code: str) -> list[str]:
    """The last two words ``rapport shell -c code`` prints, in the benchmark's database."""
    rapport = str(Path(sys.executable).with_name("rapport"))
    done = subprocess.run([rapport, "shell", "-c", code], env=_env(db, data_dir, pg_url),
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout.split()[-2:]


def _people_with_keys(db: str, data_dir: Path, pg_url: str) -> dict[str, int]:
    people, keyed = _shell(db, data_dir, pg_url, KEYED)
    return {"people": int(people), "with_duplicate_check_profile": int(keyed)}


def _drain_key_jobs(db: str, data_dir: Path, pg_url: str) -> dict[str, Any]:
    """Run the queued duplicate-key jobs the way the worker would, and time them."""
    jobs, seconds = _shell(db, data_dir, pg_url, DRAIN)
    return {"jobs": int(jobs), "seconds": float(seconds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG_URL
    )
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/bench-imports"))
    parser.add_argument(
        "--no-rerun", action="store_true", help="skip the second (idempotent) import"
    )
    parser.add_argument(
        "--keys", action="store_true", help="then run the queued duplicate-key jobs, timed apart"
    )
    args = parser.parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    csv_path = args.work_dir / f"people-{args.rows}.csv"
    if not csv_path.exists():
        t = time.perf_counter()
        generate(csv_path, args.rows, args.seed)
        print(
            f"generated {csv_path} ({csv_path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t:,.1f} s"
        )
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        data_dir = args.work_dir / f"data-{db}"
        _fresh_database(db, data_dir, args.postgres_url)
        # Each import runs in a fresh child, so RUSAGE_CHILDREN's max covers it (and earlier ones).
        first = _timed_import(db, data_dir, args.postgres_url, csv_path, args.workers)
        rate = args.rows / first["seconds"]
        entry: dict[str, Any] = {
            "rows": args.rows, "workers": args.workers, "first_import": first,
            "rows_per_s": round(rate), "target_rows_per_s": TARGET_ROWS_PER_S,
            "peak_mb": first["peak_mb_at_least"], "target_peak_mb": TARGET_PEAK_MB,
            "load_average": os.getloadavg(), "when": time.strftime("%Y-%m-%d %H:%M"),
        }  # fmt: skip
        entry["duplicate_check"] = _people_with_keys(db, data_dir, args.postgres_url)
        if args.keys:
            entry["duplicate_keys_by_worker"] = _drain_key_jobs(db, data_dir, args.postgres_url)
        if not args.no_rerun:
            entry["second_import"] = _timed_import(
                db, data_dir, args.postgres_url, csv_path, args.workers
            )
        results[db] = entry
        ok = rate >= TARGET_ROWS_PER_S and first["peak_mb_at_least"] <= TARGET_PEAK_MB
        print(f"{db:9} {args.rows:>10,} rows {first['seconds']:>8,.1f} s {rate:>10,.0f} rows/s "
              f"peak {first['peak_mb_at_least']:>7,.0f} MB {'OK' if ok else 'below target'}")  # fmt: skip
        print(f"          first:  {first['summary']}")
        check = entry["duplicate_check"]
        print(f"          {check['with_duplicate_check_profile']:,} of {check['people']:,} people "
              "have their duplicate-check keys after the import")  # fmt: skip
        if "duplicate_keys_by_worker" in entry:
            keys = entry["duplicate_keys_by_worker"]
            print(f"          then:   {keys['jobs']} worker jobs left, {keys['seconds']:,.1f} s")
        if "second_import" in entry:
            print(f"          second: {entry['second_import']['summary']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
