"""Clients that call the API with a real token of a user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def api_as(db: Any) -> Callable[[Any], Client]:
    from rapport.accounts.services import token_create

    def make(user: Any) -> Client:
        _, secret = token_create(user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make
