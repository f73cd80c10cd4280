"""Pages, exports and the calendar feed answer ids past 2⁶³ and non-ASCII digits
with a 4xx (or ignore them), never a 500 or a stream cut short."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rapport.core.errors import ValidationFailed
from rapport.core.params import MAX_DB_ID, id_or_none, page_number, parse_id

HUGE = "99999999999999999999"


@pytest.fixture
def web(workspace: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(workspace.admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"/people/?team={HUGE}",
        f"/people/?owner={HUGE}",
        f"/people/?organization={HUGE}",
        f"/organizations/?team={HUGE}",
        f"/organizations/?owner={HUGE}",
        f"/sales/orders/?person={HUGE}",
        f"/sales/orders/?organization={HUGE}",
        f"/sales/orders/?page={HUGE}",
        "/sales/orders/?page=²",
        f"/duplicates/?page={HUGE}",
        f"/activities/tasks/?assignee={HUGE}",
        "/activities/tasks/?assignee=²",
    ],
)
def test_list_pages_survive_huge_ids(web: Client, url: str) -> None:
    response = web.get(url)
    assert response.status_code < 500, url


@pytest.mark.parametrize("query", [f"team={HUGE}", f"owner={HUGE}", f"organization={HUGE}"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_refuse_bad_filters_before_the_download_starts(
    web: Client, query: str, fmt: str
) -> None:
    response = web.get(f"/import-export/export/people.{fmt}?{query}")
    assert response.status_code == 422
    assert not response.streaming


@pytest.mark.parametrize("token", [f"{HUGE}.x", "%C2%B2.x", "٣.x", "abc"])
def test_the_calendar_feed_answers_404_for_impossible_tokens(db: Any, token: str) -> None:
    response = Client(raise_request_exception=False).get(f"/activities/calendar/{token}.ics")
    assert response.status_code == 404


def test_id_parsing_takes_only_ascii_digits_within_range() -> None:
    assert id_or_none("42") == 42
    assert id_or_none(str(MAX_DB_ID)) == MAX_DB_ID
    for bad in (str(MAX_DB_ID + 1), HUGE, "²", "٣", "0", "-1", "", None, True, "1e3", " "):
        assert id_or_none(bad) is None, bad
    with pytest.raises(ValidationFailed) as caught:
        parse_id("²", field="team")
    assert "team" in caught.value.detail
    assert page_number(HUGE) == 1_000_000
    assert page_number("²") == 1
    assert page_number("3") == 3


def test_a_custom_field_position_past_the_column_is_a_form_error(web: Client) -> None:
    from rapport.people.models import CustomFieldDefinition

    response = web.post("/settings/custom-fields/", {"entity": "person", "key": "size",
                        "label": "Size", "field_type": "text", "position": str(2**64)})  # fmt: skip
    assert response.status_code == 422  # the form again, with the error
    assert not CustomFieldDefinition.objects.filter(key="size").exists()
