#!/usr/bin/env bash
# The whole test suite: the engine's tests once without Django (they must not need it),
# then the app's tests on SQLite, and again on PostgreSQL when RAPPORT_TEST_DATABASE_URL
# is set (pytest-django creates and drops test_<name>). Arguments are pytest options
# (-x, -q, -k …) passed to every run; to run some tests only, call pytest directly.
set -euo pipefail
cd "$(dirname "$0")/.."
export RAPPORT_DATA_DIR="${RAPPORT_DATA_DIR:-$PWD/var/test}"
unset DATABASE_URL
ENGINE=tests/rapport_analytics
echo "== engine tests, without Django =="
.venv/bin/pytest -p no:django "$ENGINE" "$@"
echo "== app tests on SQLite =="
.venv/bin/pytest --ignore="$ENGINE" "$@"
if [ -n "${RAPPORT_TEST_DATABASE_URL:-}" ]; then
  echo "== app tests on PostgreSQL =="
  DATABASE_URL="$RAPPORT_TEST_DATABASE_URL" .venv/bin/pytest --ignore="$ENGINE" "$@"
else
  echo "== PostgreSQL run skipped: set RAPPORT_TEST_DATABASE_URL=postgres://user@host:5432/dbname to run it =="
fi
