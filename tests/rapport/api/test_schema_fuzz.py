"""schemathesis over every API operation, bounded: no 5xx, and only statuses the OpenAPI documents.

Each operation gets a few dozen generated requests (valid and invalid by the schema)
through the WSGI app, in the test database, with an admin's token. schemathesis'
checks then hold every answer to the schema: no server error, a documented status,
content type and body; invalid input refused; auth not ignored.

One default check is left out: ``positive_data_acceptance`` (a schema-valid request
must not get a 4xx). Much of what a service refuses cannot be said in JSON Schema:
an id that names no record, "a person or an organisation, not both", an opaque
cursor that no longer matches its list. Those answers are still held to the rest:
documented, ``{"detail": …}``, never a 5xx.

``RAPPORT_FUZZ_EXAMPLES`` raises the number of requests per operation for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.api import api
from config.wsgi import application

MAX_EXAMPLES = int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "15"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = application


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """Django's WSGI handler closes the database connection after each request, which
    on PostgreSQL would end the test's transaction; its test Client unhooks this the
    same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(_keep_the_test_connection: None, workspace: Any, make_person: Any, make_org: Any) -> str:
    """An admin's token, in a workspace with a few records for ids to find."""
    from rapport.accounts.services import token_create

    org = make_org(name="Acme Bakery")
    make_person(first_name="Ana", emails=["ana@example.com"])
    make_person(first_name="Bo", organizations=[{"organization_id": org.pk}])
    _, secret = token_create(user=workspace.admin, name="fuzz")
    return secret


@pytest.mark.slow
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests every run: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Any, token: str, settings: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "API_RATE_LIMIT_PER_MINUTE": 10**9}
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance],
    )
