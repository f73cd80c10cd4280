#!/usr/bin/env python
"""What the per-request additions cost: the NUL-stripping, no-store and session-timeout
middlewares on a page, and the shared rate-limit counter on an API call, each measured
with and without it in alternating rounds (so load drifts hit both).

    .venv/bin/python bench/request_overhead.py [--rounds 20] [--per-round 25] [--postgres-url URL]

SQLite in a fresh data folder (/tmp/bench-overhead) unless --postgres-url (that database
must exist; it is migrated). Requests go through Django's test client in process (no
network): a signed-in admin's ``GET /accounts/password/`` (a light page, so the middleware's share
shows) and a token's ``GET /api/v1/people?limit=1``. Figures go to
bench/results/request_overhead.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDED_MIDDLEWARE = (
    "rapport.core.middleware.StripNulMiddleware",
    "rapport.core.middleware.NoStoreMiddleware",
    "rapport.core.middleware.SessionTimeoutMiddleware",
)


def _ms(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(1000 * xs[min(len(xs) - 1, int(q * len(xs)))], 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=25)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    data = Path("/tmp/bench-overhead")
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    os.environ["RAPPORT_DATA_DIR"] = str(data)
    os.environ.setdefault("RAPPORT_SECRET_KEY", "bench-overhead")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if args.postgres_url:
        os.environ["DATABASE_URL"] = args.postgres_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    call_command("migrate", verbosity=0)
    from rapport.accounts.services import token_create, user_create

    user, _ = user_create(username="bench", role="admin")
    _, secret = token_create(user=user, name="bench")
    page = Client(HTTP_HOST="localhost")
    page.force_login(user)
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    without_added = [m for m in settings.MIDDLEWARE if m not in ADDED_MIDDLEWARE]
    limit_on = {**settings.RAPPORT, "API_RATE_LIMIT_PER_MINUTE": 10**9}
    limit_off = {**settings.RAPPORT, "API_RATE_LIMIT_PER_MINUTE": 0}
    cases = {
        ("page", "with"): (page, "/accounts/password/", {"MIDDLEWARE": settings.MIDDLEWARE}),
        ("page", "without"): (page, "/accounts/password/", {"MIDDLEWARE": without_added}),
        ("api", "with"): (api, "/api/v1/people?limit=1", {"RAPPORT": limit_on}),
        ("api", "without"): (api, "/api/v1/people?limit=1", {"RAPPORT": limit_off}),
    }
    times: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
    for _ in range(args.rounds):
        for case, (client, path, overrides) in cases.items():
            with override_settings(**overrides):
                client.get(path)  # warm after the settings change
                for _ in range(args.per_round):
                    t = time.perf_counter()
                    response = client.get(path)
                    times[case].append(time.perf_counter() - t)
                    assert response.status_code == 200, (case, response.status_code)
    db = "postgres" if args.postgres_url else "sqlite"
    result: dict[str, object] = {
        f"{what}_{mode}": {"n": len(xs), "p50_ms": _ms(xs, 0.5), "p95_ms": _ms(xs, 0.95),
                           "mean_ms": round(1000 * statistics.mean(xs), 3)}
        for (what, mode), xs in times.items()
    }  # fmt: skip
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    out = ROOT / "bench" / "results" / "request_overhead.json"
    stored = json.loads(out.read_text()) if out.exists() else {}
    stored[db] = result
    out.write_text(json.dumps(stored, indent=2) + "\n")
    print(f"{db}: ms p50 / p95 (load {result['load_average_1min']})")
    for what, label in (("page", "three middlewares"), ("api", "rate-limit counter")):
        w, wo = result[f"{what}_with"], result[f"{what}_without"]
        print(f"  {what}: with the {label} {w['p50_ms']} / {w['p95_ms']}, "  # type: ignore[index]
              f"without {wo['p50_ms']} / {wo['p95_ms']}")  # type: ignore[index]  # fmt: skip


if __name__ == "__main__":
    main()
