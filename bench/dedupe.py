"""Duplicate check on create at scale: p95 of ``person_duplicates`` over a million people.

    .venv/bin/python bench/dedupe.py                      # 1,000,000 people on SQLite
    .venv/bin/python bench/dedupe.py --people 100000 --checks 300
    .venv/bin/python bench/dedupe.py --reuse               # time again on the last seeded data
    .venv/bin/python bench/dedupe.py --postgres-url postgres://postgres@127.0.0.1:5432/rapport_dedupe_bench

Seeds people with ``rapport.people.demo``'s fast path (the same code as ``rapport demo``),
builds the blocking-key table (``person_keys_rebuild``, what the scan job does on its
way), then times checks in-process (selector + scoring, no HTTP): a third are
existing people typed again with a typo and the same e-mail, a third existing
people with the same phone in another format and a nickname-like first name,
a third brand-new people (no duplicate: the common case, whose name keys hit
the biggest blocks). The PostgreSQL database is dropped and created again unless --reuse.
Figures go to bench/results/dedupe.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "dedupe.json"
TARGET_P95_MS = 30.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=300, help="timed checks (at least 200)")
    parser.add_argument("--sqlite-dir", default="/tmp/bench-dedupe-sqlite")
    parser.add_argument("--postgres-url", default="", help="run on PostgreSQL instead of SQLite")
    parser.add_argument("--reuse", action="store_true", help="skip seeding and the key build")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args(argv)


def _setup(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    if args.postgres_url:
        os.environ["DATABASE_URL"] = args.postgres_url
        os.environ["RAPPORT_DATA_DIR"] = args.sqlite_dir + "-pg"
        if not args.reuse:
            _recreate_postgres(args.postgres_url)
    else:
        os.environ["RAPPORT_DATA_DIR"] = args.sqlite_dir
        if not args.reuse:
            db = Path(args.sqlite_dir)
            for leftover in db.glob("*.sqlite3*"):
                leftover.unlink()
    Path(os.environ["RAPPORT_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from rapport.dedupe.keys import person_keys_rebuild
    from rapport.dedupe.profiles import iter_all_person_profiles
    from rapport.people.demo import ensure_demo_users, seed_organizations, seed_people
    from rapport.people.models import Person

    rng = random.Random(args.seed)
    started = time.perf_counter()
    teams = ensure_demo_users(rng)
    org_ids = seed_organizations(count=max(1, args.people // 10), teams=teams, rng=rng)
    seed_people(count=args.people, teams=teams, org_ids=org_ids, rng=rng, progress=True)
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    total = Person.objects.count()
    person_keys_rebuild(
        iter_all_person_profiles(),
        total=total,
        progress=lambda done: print(f"\r  keys: {done:,}/{total:,}", end="", flush=True),
    )
    print()
    keys = time.perf_counter() - started
    return {"people_seconds": round(seeded, 1), "key_build_seconds": round(keys, 1)}


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def probes(rng: random.Random, n: int) -> list[tuple[str, dict[str, Any], int | None]]:
    """(kind, profile, the existing person it copies or None)."""
    from rapport.dedupe.profiles import person_profiles
    from rapport.people.demo import FIRST_NAMES, LAST_NAMES
    from rapport.people.models import Person

    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = [rng.randrange(1, top + 1) for _ in range(n)]
    existing = person_profiles(picked)
    out: list[tuple[str, dict[str, Any], int | None]] = []
    for k, pk in enumerate(picked):
        kind = ("same_email_typo", "same_phone_reformatted", "new_person")[k % 3]
        base = existing.get(pk)
        if kind == "new_person" or base is None:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            profile = {"first_name": first, "last_name": last,
                       "emails": [f"{first}.{last}.new{k}@elsewhere.example".lower()],
                       "phones": [f"+1 415 {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}"]}  # fmt: skip
            out.append(("new_person", profile, None))
        elif kind == "same_email_typo":
            profile = {**base, "first_name": _typo(rng, base["first_name"]), "phones": []}
            out.append((kind, profile, pk))
        else:
            phone = base["phones"][0] if base["phones"] else ""
            national = phone[2:] if phone.startswith("+1") else phone
            shown = f"({national[:3]}) {national[3:6]}-{national[6:]}"
            profile = {"first_name": base["first_name"][:1], "last_name": base["last_name"],
                       "emails": [], "phones": [shown]}  # fmt: skip
            out.append((kind, profile, pk))
    return out


def time_checks(args: argparse.Namespace) -> dict[str, Any]:
    from rapport.accounts.models import User
    from rapport.dedupe.check.people import person_duplicates
    from rapport.dedupe.keys import person_keys_refresh

    user = User.objects.filter(username="bench-admin").first()
    if user is None:
        user = User.objects.create(username="bench-admin", role="admin")
    rng = random.Random(args.seed + 1)
    warm = probes(rng, 20)
    for _, profile, _ in warm:
        person_duplicates(user=user, profile=profile)
    timed = probes(rng, max(args.checks, 200))
    by_kind: dict[str, list[float]] = {}
    found = {"same_email_typo": 0, "same_phone_reformatted": 0}
    for kind, profile, source in timed:
        started = time.perf_counter()
        result = person_duplicates(user=user, profile=profile)
        by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        if source is not None and any(c.id == source for c in result):
            found[kind] += 1
    every = [ms for values in by_kind.values() for ms in values]
    refresh: list[float] = []
    for _, _, source in timed[:60]:
        if source is not None:
            started = time.perf_counter()
            person_keys_refresh([source])
            refresh.append((time.perf_counter() - started) * 1000)
    return {
        "checks": len(every),
        "p50_ms": round(statistics.median(every), 2),
        "p95_ms": round(_p95(every), 2),
        "max_ms": round(max(every), 2),
        "by_kind_p95_ms": {k: round(_p95(v), 2) for k, v in by_kind.items()},
        "copies_found": {k: f"{v}/{len(by_kind.get(k, []))}" for k, v in found.items()},
        "key_refresh_on_write_p95_ms": round(_p95(refresh), 2) if refresh else None,
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _setup(args)
    from django.db import connection

    from rapport.dedupe.models import MatchKey
    from rapport.people.models import Person

    seeding = {} if args.reuse else seed(args)
    load_before = os.getloadavg()[0]
    checks = time_checks(args)
    result = {
        "vendor": connection.vendor,
        "people": Person.objects.count(),
        "key_rows": MatchKey.objects.count(),
        "seeding": seeding,
        "check": checks,
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": checks["p95_ms"] <= TARGET_P95_MS,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average_1min": {
            "before": round(load_before, 2),
            "after": round(os.getloadavg()[0], 2),
        },
        "cpus": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.reuse:  # the seeding figures of the run that seeded this data still hold
        result["seeding"] = previous.get(connection.vendor, {}).get("seeding", {})
    previous[connection.vendor] = result
    RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
