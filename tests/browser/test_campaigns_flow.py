"""Campaign pages in a real browser (Playwright driving Chromium against the live server):
a manager writes a template with merge fields, previews it, sends a campaign to a
segment and reads the results; the e-mails reach a real SMTP server on loopback, and
the unsubscribe link works when opened. Viewers and reps see no controls they may not use.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest

from rapport.campaigns.merge_scores import rfm_segment
from rapport.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from rapport.campaigns.services.campaigns import campaign_create
from rapport.campaigns.services.templates import template_create
from rapport.insights.models import CustomerScore
from rapport.insights.services import segment_create
from rapport.people.models import ConsentStatus, Person
from rapport.people.services import person_update
from tests.browser.helpers import sign_in
from tests.rapport.campaigns.conftest import Sink

pytestmark = pytest.mark.browser

SUBJECT = (
    '{{ person.first_name }}, you are one of our {{ scores.rfm_segment|default:"new friends" }}'
)
BODY = (
    "Dear {{ person.full_name }},\n"
    'your lifetime value with us: {{ scores.clv|default:"0.00" }} {{ scores.currency }}.\n'
    'Chance you are still with us: {{ scores.p_alive|default:"unknown" }}.\n'
    "Your contact: {{ owner.display_name }}"
)


@pytest.fixture
def mail_to_live_server(smtp_sink: Sink, settings: Any, live_server: Any) -> Sink:
    """The SMTP sink, with links in e-mails pointing at the live server."""
    settings.RAPPORT = {**settings.RAPPORT, "BASE_URL": live_server.url}
    return smtp_sink


def test_a_manager_writes_a_template_sends_a_campaign_and_reads_its_results(
    page: Any,
    workspace: Any,
    make_person: Any,
    scored_customers: dict[str, Any],
    mail_to_live_server: Sink,
) -> None:
    from playwright.sync_api import expect

    sink = mail_to_live_server
    make_person(first_name="Eve", last_name="Quiet", emails=["eve@example.com"], tags=["letter"])
    for person in scored_customers.values():
        person_update(actor=workspace.rep, person=person, data={"tags": ["letter"]})
    segment_create(actor=workspace.manager, data={
        "name": "Letter readers", "definition": [{"field": "tag", "op": "eq", "value": "letter"}],
    })  # fmt: skip
    # Given the North manager is signed in, when she writes a template with merge fields
    sign_in(page, "mona")
    page.goto("/campaigns/templates/")
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name").fill("Value letter")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Text", exact=True).fill(BODY)
    # Then the editor lists the fields she may use, scores included
    page.get_by_text("Merge fields you can use").click()
    fields = page.locator("#merge-fields")
    expect(fields).to_contain_text("{{ scores.clv }}")
    expect(fields).to_contain_text("{{ scores.rfm_segment }}")
    # When she previews it, it is merged for one of her scored customers
    page.get_by_role("button", name="Preview").click()
    subject = page.locator(".preview-subject")
    expect(subject).to_have_text(re.compile(r"^\w+, you are one of our [A-Z][a-z]+"))
    expect(page.locator(".preview-text")).to_contain_text("To stop receiving these e-mails")
    # And saves it
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the template Value letter.")).to_be_visible()
    # When she creates a campaign to the segment
    page.goto("/campaigns/")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Autumn letter")
    page.get_by_label("Template").select_option(label="Value letter")
    page.get_by_label("A segment").check()
    page.get_by_label("Segment", exact=True).select_option(label="Letter readers")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the campaign Autumn letter.")).to_be_visible()
    # And sends it now, confirming the question
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Send / schedule").click()
    expect(page.get_by_text("Sending: the worker is handing the e-mails")).to_be_visible()
    assert questions and questions[0].startswith("Send Autumn letter?")
    # Then the results page shows who got it: four opted in, Eve (no consent) skipped
    page.reload()
    expect(page.locator(".subtitle .badge")).to_have_text("Sent")
    expect(page.locator('td[data-status="sent"]')).to_have_text("4")
    expect(page.locator('td[data-status="skipped"]')).to_have_text("1")
    recipients = page.get_by_role("region", name="Recipients")
    for name in ("Ana", "Bob", "Cleo", "Dora"):
        row = recipients.get_by_role("row").filter(has_text=f"{name} Customer")
        expect(row).to_contain_text("Sent")
    expect(recipients.get_by_role("row").filter(has_text="Eve Quiet")).to_contain_text("Skipped")
    # And the mail server got one e-mail per opted-in customer, merged with their scores
    assert sorted(r.rcpt_tos[0] for r in sink.received) == [
        "ana@example.com", "bob@example.com", "cleo@example.com", "dora@example.com",
    ]  # fmt: skip
    ana = scored_customers["Ana"]
    score = CustomerScore.objects.select_related("run").get(person=ana, is_latest=True)
    (mail,) = sink.to("ana@example.com")
    segment = rfm_segment(score.r_score, score.f_score)
    assert mail.message["Subject"] == f"Ana, you are one of our {segment}"
    text = mail.text()
    assert f"your lifetime value with us: {score.predicted_value:,.2f} EUR." in text
    assert f"Chance you are still with us: {score.p_alive * 100:.0f}%." in text
    assert "Dear Ana Customer," in text and "Your contact: rick" in text
    (dora,) = sink.to("dora@example.com")
    assert dora.message["Subject"] == "Dora, you are one of our new friends"
    assert "lifetime value with us: 0.00 ." in dora.text()
    # When Ana opens the unsubscribe link from her e-mail
    link = mail.message["List-Unsubscribe"].strip().strip("<>")
    assert link in text and link.startswith(page.url.split("/campaigns/")[0])
    visitor = page.context.browser.new_context()
    try:
        unsubscribe_page = visitor.new_page()
        unsubscribe_page.goto(link)
        expect(unsubscribe_page.get_by_role("heading", name="Unsubscribe?")).to_be_visible()
        unsubscribe_page.get_by_role("button", name="Unsubscribe").click()
        expect(unsubscribe_page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
        expect(unsubscribe_page.get_by_text("a••@e••••••.com will no longer")).to_be_visible()
    finally:
        visitor.close()
    # Then her consent is withdrawn and the results count the unsubscribe
    ana.refresh_from_db()
    assert ana.email_consent == ConsentStatus.WITHDRAWN
    campaign = Campaign.objects.get(name="Autumn letter")
    row = CampaignRecipient.objects.get(campaign=campaign, person=ana)
    assert row.status == RecipientStatus.UNSUBSCRIBED
    page.reload()
    expect(page.locator('td[data-status="unsubscribed"]')).to_have_text("1")
    assert urlparse(link).path.startswith("/campaigns/unsubscribe/")


@pytest.fixture
def sent_campaign(workspace: Any, make_person: Any) -> Campaign:
    person = make_person(first_name="Ana", emails=["ana@example.com"], email_consent="granted")
    template = template_create(actor=workspace.manager, data={
        "name": "Managers' letter", "kind": "marketing", "subject": "Hi", "body_text": "Hello",
    })  # fmt: skip
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Draft letter", "template_id": template.pk, "audience_kind": "static",
        "person_ids": [person.pk],
    })  # fmt: skip
    assert campaign.status == CampaignStatus.DRAFT
    return campaign


@pytest.mark.parametrize("username", ["vic", "rick"])
def test_viewers_and_reps_see_no_controls_they_may_not_use(
    page: Any, workspace: Any, sent_campaign: Campaign, username: str
) -> None:
    from playwright.sync_api import expect

    sign_in(page, username)
    # The campaign list and a draft campaign: nothing to create, send, edit or delete
    page.goto("/campaigns/")
    expect(page.get_by_role("link", name="Draft letter")).to_be_visible()
    expect(page.get_by_role("link", name="New campaign")).to_have_count(0)
    page.get_by_role("link", name="Draft letter").click()
    expect(page.get_by_role("heading", name="Draft letter")).to_be_visible()
    for control in ("Send / schedule", "Delete", "Cancel sending"):
        expect(page.get_by_role("button", name=control)).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    # The manager's template (team North) opens read-only for the viewer; rick, a rep of
    # the same team, may change it, as he may change the team's records
    page.get_by_role("link", name="Managers' letter").click()
    expect(page.get_by_role("heading", name="Managers' letter")).to_be_visible()
    editable = 1 if username == "rick" else 0
    expect(page.get_by_text("you may read it but not change it")).to_have_count(1 - editable)
    expect(page.get_by_role("button", name="Save")).to_have_count(editable)
    expect(page.get_by_role("button", name="Delete template")).to_have_count(editable)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview-subject")).to_have_text("Hi")
    # A rep may write templates of their own; a viewer may not
    page.goto("/campaigns/templates/")
    expect(page.get_by_role("link", name="New template")).to_have_count(
        1 if username == "rick" else 0
    )
    # And only someone who may edit the person gets to write them an e-mail
    person = Person.objects.get(first_name="Ana")
    page.goto(f"/people/{person.pk}/")
    panel = page.locator("#email-panel-title").locator("..").locator("..")
    expect(page.locator("#email-panel-title")).to_be_visible()
    expect(panel.get_by_role("link", name="Write e-mail")).to_have_count(
        1 if username == "rick" else 0
    )


def test_the_results_of_a_campaign_under_way_update_by_themselves(
    page: Any, workspace: Any, make_person: Any
) -> None:
    from playwright.sync_api import expect

    from rapport.campaigns.services.audience import materialize_audience

    # Given a campaign to two people that a worker is sending (its audience added)
    people = [
        make_person(first_name=f"P{i}", emails=[f"p{i}@example.com"], email_consent="granted")
        for i in range(2)
    ]
    template = template_create(actor=workspace.manager, data={
        "name": "Letter", "kind": "marketing", "subject": "Hi", "body_text": "Hello",
    })  # fmt: skip
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Under way", "template_id": template.pk, "audience_kind": "static",
        "person_ids": [p.pk for p in people],
    })  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENDING)
    assert materialize_audience(campaign) == 2
    # When the manager opens its page
    sign_in(page, "mona")
    page.goto(f"/campaigns/{campaign.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Sending now")
    expect(page.locator('td[data-status="queued"]')).to_have_text("2")
    # Then the figures follow the worker without a reload
    CampaignRecipient.objects.filter(person=people[0]).update(status=RecipientStatus.SENT)
    expect(page.locator('td[data-status="sent"]')).to_have_text("1", timeout=8_000)
    CampaignRecipient.objects.filter(person=people[1]).update(status=RecipientStatus.SENT)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENT)
    expect(page.locator('td[data-status="sent"]')).to_have_text("2", timeout=8_000)
    # And once it is finished the page stops asking
    expect(page.get_by_text("these figures update by themselves")).to_have_count(0)
    expect(page.locator("#campaign-progress[hx-trigger]")).to_have_count(0)
