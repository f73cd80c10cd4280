"""The list pages' tag filter is a type-ahead over the tags on records the user may see,
not a select carrying every tag in the workspace (issue 10 item 7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.people.selectors import TAG_SUGGESTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(workspace: Any, make_person: Any, make_org: Any) -> None:
    make_person(first_name="Ana", tags=["vip", "Newsletter"])
    make_person(actor=workspace.other_rep, first_name="Sam", tags=["southern-secret", "vip"])
    make_org(name="Acme", tags=["partner"])


def _options(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("people:tag_options"), params)
    assert response.status_code == 200
    return re.findall(r'<option value="([^"]*)">', response.content.decode())


def test_suggestions_are_the_tags_on_records_you_may_see(
    client: Client, workspace: Any, tagged: None
) -> None:
    client.force_login(workspace.rep)
    assert _options(client, entity="person") == ["Newsletter", "vip"]
    assert _options(client, entity="person", tag="V") == ["vip"]  # as typed, any case
    assert _options(client, entity="person", tag="south") == []
    assert _options(client, entity="organization") == ["partner"]
    client.force_login(workspace.admin)
    assert _options(client, entity="person") == ["Newsletter", "southern-secret", "vip"]


def test_suggestions_are_few_however_many_tags_there_are(
    client: Client, workspace: Any, make_person: Any
) -> None:
    make_person(tags=[f"t{i:03}" for i in range(TAG_SUGGESTIONS + 5)])
    client.force_login(workspace.rep)
    assert len(_options(client, entity="person")) == TAG_SUGGESTIONS


def test_the_list_page_names_no_tag_but_the_one_filtered_on(
    client: Client, workspace: Any, tagged: None
) -> None:
    client.force_login(workspace.rep)
    html = client.get(reverse("people:person_list"), {"tag": "vip"}).content.decode()
    assert "southern-secret" not in html and "Newsletter" not in html.split('id="results"')[0]
    assert 'list="f-tag-options"' in html and 'name="tag" value="vip"' in html
    assert reverse("people:tag_options") in html
