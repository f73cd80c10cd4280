#!/usr/bin/env bash
# The whole test suite on SQLite, then again on PostgreSQL when
# RAPPORT_TEST_DATABASE_URL is set (pytest-django creates and drops test_<name>).
set -euo pipefail
cd "$(dirname "$0")/.."
export RAPPORT_DATA_DIR="${RAPPORT_DATA_DIR:-$PWD/var/test}"
unset DATABASE_URL
echo "== tests on SQLite =="
.venv/bin/pytest "$@"
if [ -n "${RAPPORT_TEST_DATABASE_URL:-}" ]; then
  echo "== tests on PostgreSQL =="
  DATABASE_URL="$RAPPORT_TEST_DATABASE_URL" .venv/bin/pytest "$@"
else
  echo "== PostgreSQL run skipped: set RAPPORT_TEST_DATABASE_URL=postgres://user@host:5432/dbname to run it =="
fi
