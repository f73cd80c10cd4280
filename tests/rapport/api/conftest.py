"""API test helpers (the token client, ``api_as``, is in tests/rapport/conftest.py)."""

from __future__ import annotations

JSON = "application/json"
