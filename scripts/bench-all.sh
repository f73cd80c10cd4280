#!/usr/bin/env bash
# Every benchmark, in its own virtualenv: lifetimes and splink are benchmark-only
# dependencies and never enter the application's environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv-bench/bin/python ]; then
  "$PYTHON" -m venv .venv-bench
fi
.venv-bench/bin/python -m pip install --quiet --upgrade pip
.venv-bench/bin/python -m pip install --quiet -e . -r bench/requirements.txt
mkdir -p bench/results
echo "== foundation: 1M people, seeding and request times (SQLite, then PostgreSQL if BENCH_DATABASE_URL is set) =="
.venv-bench/bin/python bench/foundation.py ${BENCH_FOUNDATION_ARGS:-}
echo "== customer value: 1M customers, BTYD models vs lifetimes =="
.venv-bench/bin/python bench/clv.py ${BENCH_CLV_ARGS:-}
echo "== duplicate check on create: p95 at 1M people, keys in the database =="
.venv-bench/bin/python bench/dedupe.py ${BENCH_DEDUPE_ARGS:-}
echo "== timeline: first page of a person with 10,000 activities (SQLite, then PostgreSQL) =="
.venv-bench/bin/python bench/timeline.py ${BENCH_TIMELINE_ARGS:-}
echo "== insights: recompute job on 100,000 customers / ~200,000 orders (SQLite) =="
.venv-bench/bin/python bench/insights.py ${BENCH_INSIGHTS_ARGS:-}
echo "== imports: 1M people from CSV into SQLite and PostgreSQL (rows/s end to end, peak memory) =="
.venv-bench/bin/python bench/imports.py ${BENCH_IMPORTS_ARGS:-}
echo "== campaigns: 100,000 recipients rendered and handed to an aiosmtpd sink, rate limit off =="
.venv-bench/bin/python bench/campaigns.py ${BENCH_CAMPAIGNS_ARGS:-}
echo "== duplicates: febrl, synthetic CRM data and 1M people vs splink =="
.venv-bench/bin/python bench/matching.py ${BENCH_MATCHING_ARGS:-}
echo "== outbox: person create/update with and without the event row (SQLite) =="
.venv-bench/bin/python bench/outbox.py ${BENCH_OUTBOX_ARGS:-}
echo "== request overhead: the per-request middlewares and the API rate-limit counter (SQLite) =="
.venv-bench/bin/python bench/request_overhead.py ${BENCH_OVERHEAD_ARGS:-}
echo "== playbooks: page times from snapshots, the nightly snapshot, objectives (SQLite; --people sets the size) =="
.venv-bench/bin/python bench/playbooks.py ${BENCH_PLAYBOOKS_ARGS:-}
echo "== lifecycle: stages of a million customers (SQLite) =="
.venv-bench/bin/python bench/lifecycle.py ${BENCH_LIFECYCLE_ARGS:-}
