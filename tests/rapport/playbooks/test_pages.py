"""The playbook page, its drill-downs into the people list, and its settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rapport.playbooks.models import IndicatorSnapshot, PlaybookSettings
from rapport.playbooks.services import snapshot_take
from tests.rapport.playbooks.builders import person

pytestmark = pytest.mark.django_db

PLAYBOOK_QUERIES = 14


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_playbook_shows_the_primary_models_steps_with_live_values(workspace: Any) -> None:
    # Given three people of North's rep, two with a known consent, and no snapshot yet
    person(workspace.rep, email_consent="granted")
    person(workspace.rep, email_consent="declined")
    person(workspace.rep)

    page = signed_in(workspace.admin).get("/playbooks/")
    html = page.content.decode()
    assert page.status_code == 200
    assert [s.step.key for s in page.context["playbook"].steps] == [
        "identify", "differentiate", "interact", "customize",
    ]  # fmt: skip
    consent = page.context["playbook"].steps[0].indicators[2]
    assert consent.indicator.key == "identify.consent_known_share"
    assert consent.value == pytest.approx(2 / 3) and consent.as_of is None
    assert "67%" in html and "Computed now" in html
    assert "?indicator=identify.consent_known_share&amp;scope=workspace" in html


def test_values_come_from_the_latest_snapshot_with_a_sparkline(workspace: Any) -> None:
    person(workspace.rep, email_consent="granted")
    snapshot_take(day=timezone.localdate() - dt.timedelta(days=1))
    person(workspace.rep)
    snapshot_take()
    person(workspace.rep)  # after the snapshot: not in the value shown

    page = signed_in(workspace.admin).get("/playbooks/idic/")
    consent = page.context["playbook"].steps[0].indicators[2]
    assert consent.value == 0.5 and consent.as_of == timezone.localdate()
    assert [p.value for p in consent.history] == [1.0, 0.5]
    assert 'class="sparkline"' in page.content.decode()


def test_a_rep_sees_their_own_records_and_no_playbook_link(workspace: Any) -> None:
    person(workspace.rep, email_consent="granted")
    person(workspace.other_rep)
    snapshot_take()

    page = signed_in(workspace.rep).get("/playbooks/")
    consent = page.context["playbook"].steps[0].indicators[2]
    assert page.context["scope_value"] == f"owner:{workspace.rep.pk}"
    assert consent.value == 1.0
    # A scope whose snapshot covers records they may not see is computed live for them
    south = signed_in(workspace.rep).get(f"/playbooks/?scope=team:{workspace.south.pk}")
    south_consent = south.context["playbook"].steps[0].indicators[2]
    assert south_consent.value is None and south_consent.as_of is None
    assert 'href="/playbooks/"' not in page.content.decode()


def test_managers_and_admins_have_the_playbook_in_the_navigation(workspace: Any) -> None:
    for user in (workspace.manager, workspace.admin):
        page = signed_in(user).get("/playbooks/")
        assert 'href="/playbooks/" aria-current="page">Playbook</a>' in page.content.decode()
    assert page.context["scope_value"] == "workspace"  # the admin's default
    manager = signed_in(workspace.manager).get("/playbooks/")
    assert manager.context["scope_value"] == f"team:{workspace.north.pk}"


def test_other_models_are_browsable_and_unknown_ones_are_404(workspace: Any) -> None:
    client = signed_in(workspace.manager)
    qci = client.get("/playbooks/qci/")
    assert qci.status_code == 200
    assert "Customer management: win-back" in qci.content.decode()
    value_chain = client.get("/playbooks/value_chain/").content.decode()
    assert "Supporting conditions" in value_chain
    assert client.get("/playbooks/nope/").status_code == 404
    assert client.get("/playbooks/?scope=team:x").status_code == 422


def test_the_drilldown_opens_the_people_list_with_only_visible_people(workspace: Any) -> None:
    mine = person(workspace.rep)
    person(workspace.other_rep)  # unknown consent too, but South's
    person(workspace.rep, email_consent="granted")

    page = signed_in(workspace.rep).get(
        "/people/?indicator=identify.consent_known_share&scope=workspace"
    )
    assert page.status_code == 200
    assert [p.pk for p in page.context["rows"]] == [mine.pk]
    admin = signed_in(workspace.admin).get("/people/?indicator=identify.consent_known_share")
    assert len(admin.context["rows"]) == 2
    bad = signed_in(workspace.rep).get("/people/?indicator=nope")
    assert bad.context["filter_errors"]


def test_the_playbook_page_reads_snapshots_in_a_fixed_number_of_queries(
    workspace: Any, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(workspace.admin)
    for _ in range(5):
        person(workspace.rep)
    snapshot_take()
    with django_assert_max_num_queries(PLAYBOOK_QUERIES):
        assert client.get("/playbooks/").status_code == 200
    for _ in range(45):
        person(workspace.rep)
    snapshot_take()
    with django_assert_max_num_queries(PLAYBOOK_QUERIES):
        assert client.get("/playbooks/").status_code == 200
    assert IndicatorSnapshot.objects.exists()


def test_only_an_admin_changes_the_playbook_settings(workspace: Any) -> None:
    assert signed_in(workspace.manager).get("/playbooks/settings/").status_code == 403
    client = signed_in(workspace.admin)
    assert client.get("/playbooks/settings/").status_code == 200
    saved = client.post(
        "/playbooks/settings/", {"primary_model": "qci", "profile_fields": ["email", "city"]}
    )
    assert saved.status_code == 302
    settings = PlaybookSettings.current()
    assert (settings.primary_model, settings.profile_fields) == ("qci", ["email", "city"])
    assert client.get("/playbooks/").context["playbook"].model.key == "qci"
    refused = client.post("/playbooks/settings/", {"primary_model": "nope"})
    assert refused.status_code == 422
    assert "Choose one of" in refused.content.decode()
