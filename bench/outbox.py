#!/usr/bin/env python
"""What the domain-event outbox costs a write: person_create / person_update service time
with ``emit`` and with it stubbed out, in alternating rounds (so load drifts hit both).

    .venv/bin/python bench/outbox.py [--rounds 20] [--per-round 15] [--postgres-url URL]

SQLite in a fresh data folder (--data-dir, default /tmp/bench-outbox) unless
--postgres-url (that database must exist and is migrated). Time is the service call in
process (validation, queries, audit row, outbox row, duplicate-check keys, commit); no
HTTP. "Without outbox" leaves out only the outbox row's insert (``emit`` still writes the
audit row and runs the in-transaction subscribers), so the same script measures any
commit since the outbox landed. Figures go to bench/results/outbox.json (--results).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _p(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(1000 * xs[min(len(xs) - 1, int(q * len(xs)))], 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=15)
    parser.add_argument("--postgres-url")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-outbox"))
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "outbox.json")
    args = parser.parse_args()
    data = args.data_dir
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    os.environ["RAPPORT_DATA_DIR"] = str(data)
    os.environ.setdefault("RAPPORT_SECRET_KEY", "bench-outbox")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if args.postgres_url:
        os.environ["DATABASE_URL"] = args.postgres_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import rapport.core.events as events
    from rapport.accounts.services import user_create
    from rapport.people.services import person_create, person_update

    real = events.OutboxEvent

    class Unsaved:
        """The outbox model with an insert that writes nothing (the event as built)."""

        class objects:  # stands in for the model's manager
            @staticmethod
            def create(**fields: Any) -> Any:
                return real(**fields)

    user, _ = user_create(username="bench", role="admin", password=secrets.token_urlsafe(16))
    times: dict[str, dict[str, list[float]]] = {
        m: {"create": [], "update": []} for m in ("with_outbox", "without_outbox")
    }
    for r in range(args.rounds):
        for mode in times:
            events.OutboxEvent = real if mode == "with_outbox" else Unsaved  # type: ignore[misc,assignment]
            for i in range(args.per_round):
                t = time.perf_counter()
                person = person_create(actor=user, data={"first_name": f"Ana{i}", "last_name": "Souza",
                                                         "emails": [f"a{r}.{i}.{mode}@bench.example"]})  # fmt: skip
                times[mode]["create"].append(time.perf_counter() - t)
                t = time.perf_counter()
                person_update(actor=user, person=person, data={"last_name": "Lima"})
                times[mode]["update"].append(time.perf_counter() - t)
    events.OutboxEvent = real  # type: ignore[misc]
    db = "postgres" if args.postgres_url else "sqlite"
    result = {
        mode: {op: {"n": len(xs), "p50_ms": _p(xs, 0.5), "p95_ms": _p(xs, 0.95),
                    "mean_ms": round(1000 * statistics.mean(xs), 2)} for op, xs in ops.items()}
        for mode, ops in times.items()
    }  # fmt: skip
    result["load_average_1min"] = round(os.getloadavg()[0], 2)  # type: ignore[assignment]
    out = args.results
    stored = json.loads(out.read_text()) if out.exists() else {}
    stored[db] = result
    out.write_text(json.dumps(stored, indent=2) + "\n")
    print(f"{db}: ms p50 / p95 (load {result['load_average_1min']})")
    for op in ("create", "update"):
        w, wo = result["with_outbox"][op], result["without_outbox"][op]
        print(f"  person {op}: with outbox {w['p50_ms']} / {w['p95_ms']}, "
              f"without {wo['p50_ms']} / {wo['p95_ms']}")  # fmt: skip


if __name__ == "__main__":
    main()
