"""Settings for every test tree; nothing here needs Django.

The engine's tests (tests/rapport_analytics) run without pytest-django
(``-p no:django``, as scripts/pytest-all.sh does), so the Django fixtures live in
tests/rapport/conftest.py. Tests run against a real database: SQLite by default,
PostgreSQL when DATABASE_URL is set (``make test`` does both when
RAPPORT_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import os

# The test suite must never touch a developer's real data folder.
os.environ.setdefault(
    "RAPPORT_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)
