#!/usr/bin/env python
"""The foundation at a million people: seeding rate and server time per request.

    .venv/bin/python bench/foundation.py [--people N] [--organizations M]
        [--db sqlite|postgres|both] [--requests R] [--reuse]

Each database runs in its own subprocess (the settings read RAPPORT_DATA_DIR and
DATABASE_URL at import): SQLite in a fresh data folder, PostgreSQL in a freshly
created database. The child seeds with ``rapport.people.demo`` (the same code as
``rapport demo``), then times what users get: the people list page, filtered,
sorted and searched, a person's page, and the API's list and get, through
Django's test client in-process (server time: middleware, session or token,
queries, template; no network), as an admin and as a rep under team visibility.
Figures go to bench/results/foundation.json and a table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "foundation.json"
SQLITE_DIR = Path("/tmp/bench-sqlite")
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/rapport_bench"
TARGET_P95_MS = 100.0
TARGET_SEED_ROWS_PER_S = 20_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--requests", type=int, default=200, help="timed requests per case and user"
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="untimed requests per case and user first"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG_URL,
        help="dropped and created again unless --reuse (default: $BENCH_DATABASE_URL or %(default)s)",
    )
    parser.add_argument("--sqlite-dir", type=Path, default=SQLITE_DIR)
    parser.add_argument(
        "--reuse", action="store_true", help="keep an already seeded database (for tuning)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_database(db: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "RAPPORT_DATA_DIR"}}
    # The API's per-token rate limit would answer 429 to a benchmark; everything else is stock.
    env["RAPPORT_API_RATE_LIMIT"] = "100000000"
    env["RAPPORT_LOG_LEVEL"] = "WARNING"
    if db == "sqlite":
        if not args.reuse and args.sqlite_dir.exists():
            shutil.rmtree(args.sqlite_dir)
        env["RAPPORT_DATA_DIR"] = str(args.sqlite_dir)
    else:
        if not args.reuse:
            _recreate_postgres(args.postgres_url)
        env["DATABASE_URL"] = args.postgres_url
        env["RAPPORT_DATA_DIR"] = str(args.sqlite_dir.parent / "bench-postgres-data")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        child_out = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", db, "--child-out", str(child_out),
               "--people", str(args.people), "--organizations", str(args.organizations),
               "--requests", str(args.requests), "--warmup", str(args.warmup), "--seed", str(args.seed)]  # fmt: skip
    if args.reuse:
        command.append("--reuse")
    print(f"== {db} ==", flush=True)
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    result: dict[str, Any] = json.loads(child_out.read_text())
    child_out.unlink()
    return result


def print_table(results: dict[str, Any]) -> None:
    dbs = sorted(results["databases"], key=lambda db: db != "sqlite")
    print()
    for db in dbs:
        s = results["databases"][db]["seeding"]
        if s.get("skipped"):
            print(f"{db}: seeding skipped (--reuse)")
            continue
        print(
            f"{db}: seeded {s['people']:,} people + {s['organizations']:,} organisations in {s['seconds']:.1f} s: "
            f"{s['rates']['people_orgs_emails_phones']:,.0f} rows/s (people+orgs+emails+phones), "
            f"{s['rates']['people']:,.0f} people/s, {s['rates']['all_rows']:,.0f} rows/s (all {s['rows']['total']:,} rows)"
        )
    for db in dbs:
        load = results["databases"][db].get("load_average_1min")
        if load:
            print(
                f"{db}: machine load average while timing {load['before']} → {load['after']} ({os.cpu_count()} cpus)"
            )
    actors = ["admin", "rep"]
    header = f"{'server time, ms':<28}" + "".join(
        f"{db + ' ' + a + ' p50/p95':>26}" for db in dbs for a in actors
    )
    print()
    print(header)
    print("-" * len(header))
    cases = list(results["databases"][dbs[0]]["server"]["admin"])
    for case in cases:
        line = f"{case:<28}"
        for db in dbs:
            for actor in actors:
                row = results["databases"][db]["server"].get(actor, {}).get(case)
                if not row:
                    line += f"{'—':>26}"
                    continue
                flag = " !" if row["p95_ms"] > TARGET_P95_MS else "  "
                line += f"{row['p50_ms']:>14.1f} / {row['p95_ms']:>6.1f}{flag}"
        print(line)
    print(f"\n(! = p95 over the {TARGET_P95_MS:.0f} ms target)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        from bench.foundation_child import run_child

        result = run_child(args)
        args.child_out.write_text(json.dumps(result, indent=2))
        return 0
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: dict[str, Any] = {
        "what": "bench/foundation.py: seeding rate and in-process server time at scale",
        "command": " ".join(["bench/foundation.py", *(argv if argv is not None else sys.argv[1:])]),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "people": args.people,
        "organizations": args.organizations,
        "requests_per_case": args.requests,
        "targets": {"p95_ms": TARGET_P95_MS, "seed_rows_per_s": TARGET_SEED_ROWS_PER_S},
        "databases": {},
    }
    if args.out.exists():  # a run of one database keeps the other's last figures
        previous = json.loads(args.out.read_text()).get("databases", {})
        results["databases"] = {db: r for db, r in previous.items() if db not in dbs}
    for db in dbs:
        results["databases"][db] = run_database(db, args) | {"command": results["command"]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
