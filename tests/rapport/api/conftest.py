"""API test helpers: clients that authenticate with a real token or a real session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

JSON = "application/json"


@pytest.fixture
def api_as(db: Any) -> Callable[[Any], Client]:
    """A test client that sends ``Authorization: Bearer <a new token of user>``."""
    from rapport.accounts.services import token_create

    def make(user: Any) -> Client:
        _, secret = token_create(user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make
