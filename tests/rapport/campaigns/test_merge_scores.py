"""``{{ scores.* }}`` merge fields: a person's customer-value scores in templates, from a
real model run, in single e-mails, previews and campaigns delivered over real SMTP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.campaigns import merge_fields
from rapport.campaigns.mailer import Content, people_for_rendering, render_for
from rapport.campaigns.merge_scores import RFM_SEGMENTS, rfm_segment, with_scores
from rapport.campaigns.models import CampaignRecipient, RecipientStatus
from rapport.campaigns.services.campaigns import campaign_create, campaign_schedule
from rapport.campaigns.services.single import email_preview, email_queue
from rapport.campaigns.services.templates import template_create
from rapport.core.errors import ValidationFailed
from rapport.insights.models import CustomerScore
from rapport.insights.services import strategic_flag_set
from rapport.people.models import Person

SCORES_TEXT = (
    "Tier {{ scores.tier }}, {{ scores.rfm_segment }} (RFM {{ scores.rfm }}).\n"
    "Lifetime value {{ scores.clv }} {{ scores.currency }}, spent {{ scores.historical_value }}.\n"
    'Still active: {{ scores.p_alive }}. Flags: {{ scores.flags|default:"none" }}.\n'
    'Status: {{ scores.tier|default:"not scored yet" }}'
)


def _latest(person: Any) -> CustomerScore:
    return CustomerScore.objects.select_related("run").get(person=person, is_latest=True)


def _expected_lines(score: CustomerScore, flags: str = "none") -> list[str]:
    """What the e-mail must say, written out from the stored score."""
    return [
        f"Tier {score.tier}, {rfm_segment(score.r_score, score.f_score)} "
        f"(RFM {score.r_score}{score.f_score}{score.m_score}).",
        f"Lifetime value {score.predicted_value:,.2f} {score.run.currency}, "
        f"spent {score.historical_value:,.2f}.",
        f"Still active: {score.p_alive * 100:.0f}%. Flags: {flags}.",
        f"Status: {score.tier}",
    ]


def test_every_rfm_cell_has_a_segment_name() -> None:
    names = {rfm_segment(r, f) for r in range(1, 6) for f in range(1, 6)}
    assert "" not in names and names == {name for name, _, _ in RFM_SEGMENTS}
    assert rfm_segment(5, 5) == "Champions" and rfm_segment(1, 1) == "Hibernating"


def test_a_single_email_carries_the_persons_scores(
    smtp_sink: Any, workspace: Any, scored_customers: dict[str, Any]
) -> None:
    ana = scored_customers["Ana"]
    strategic_flag_set(actor=workspace.rep, entity="person", pk=ana.pk, kind="benchmark",
                       reason="Others copy how she buys")  # fmt: skip
    # Given a transactional template that uses the scores
    template = template_create(actor=workspace.rep, data={
        "name": "Value", "kind": "transactional", "subject": "Tier {{ scores.tier }} for {{ person.first_name }}",
        "body_text": SCORES_TEXT,
    })  # fmt: skip
    # When it is sent to Ana
    email_queue(actor=workspace.rep, person=ana, data={"template_id": template.pk})
    # Then the SMTP server got her own values, formatted for people
    (received,) = smtp_sink.to("ana@example.com")
    score = _latest(ana)
    assert received.message["Subject"] == f"Tier {score.tier} for Ana"
    text = received.text()
    for line in _expected_lines(score, flags="Benchmark"):
        assert line in text
    assert re.search(r"Lifetime value \d{1,3}(,\d{3})*\.\d{2} EUR", text)
    assert re.search(r"Still active: \d{1,3}%\.", text)


def test_people_not_scored_yet_get_empty_values_and_the_fallback(
    smtp_sink: Any, workspace: Any, scored_customers: dict[str, Any]
) -> None:
    dora = scored_customers["Dora"]
    assert not CustomerScore.objects.filter(person=dora).exists()
    template = template_create(actor=workspace.rep, data={
        "name": "Value", "kind": "transactional", "subject": "Hello", "body_text": SCORES_TEXT,
    })  # fmt: skip
    email_queue(actor=workspace.rep, person=dora, data={"template_id": template.pk})
    (received,) = smtp_sink.to("dora@example.com")
    text = received.text()
    assert "Tier ,  (RFM )." in text and "Lifetime value  , spent ." in text
    assert "Flags: none." in text and "Status: not scored yet" in text


def test_the_compose_preview_shows_the_scores(
    workspace: Any, scored_customers: dict[str, Any]
) -> None:
    bob = scored_customers["Bob"]
    rendered, problem = email_preview(actor=workspace.rep, person=bob, data={
        "kind": "marketing", "subject": "{{ scores.rfm_segment }}", "body_text": SCORES_TEXT,
    })  # fmt: skip
    score = _latest(bob)
    assert problem is None
    assert rendered.subject == rfm_segment(score.r_score, score.f_score)
    for line in _expected_lines(score):
        assert line in rendered.body_text


def test_the_template_editor_lists_and_previews_the_score_fields(
    client: Client, workspace: Any, scored_customers: dict[str, Any]
) -> None:
    client.force_login(workspace.rep)
    page = client.get("/campaigns/templates/new/").content.decode()
    for name in ("scores.clv", "scores.p_alive", "scores.rfm_segment", "scores.tier"):
        assert f"{{{{ {name} }}}}" in page
    # The preview picks someone who has scores when the template uses them
    preview = client.post("/campaigns/templates/preview/", {
        "name": "V", "kind": "marketing", "subject": "CLV {{ scores.clv }}", "body_text": SCORES_TEXT,
    }, headers={"HX-Request": "true"}).content.decode()  # fmt: skip
    subject = re.search(r'class="preview-subject">CLV ([^<]*)<', preview)
    assert subject and re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", subject.group(1))
    # And a field that does not exist is refused when the template is saved
    with pytest.raises(ValidationFailed) as caught:
        template_create(actor=workspace.rep, data={
            "name": "Bad", "kind": "marketing", "subject": "x", "body_text": "{{ scores.password }}",
        })  # fmt: skip
    assert "scores.password" in str(caught.value.detail)


def test_preloaded_scores_cost_the_same_queries_for_any_number_of_people(
    workspace: Any, scored_customers: dict[str, Any]
) -> None:
    content = Content("{{ scores.tier }}", SCORES_TEXT)

    def render_all(limit: int) -> tuple[int, list[str]]:
        qs = Person.objects.filter(customer_scores__is_latest=True).order_by("pk")[:limit]
        with CaptureQueriesContext(connection) as queries:
            people = list(with_scores(people_for_rendering(Person.objects.filter(pk__in=qs))))
            subjects = [render_for(content, p, unsubscribe=None).subject for p in people]
        return len(queries), subjects

    few, _ = render_all(3)
    many, subjects = render_all(40)
    assert many == few and len(subjects) == 40 and all(s in "ABC" and s for s in subjects)


def test_a_campaign_delivers_each_persons_own_scores(
    smtp_sink: Any,
    workspace: Any,
    scored_customers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a marketing template with score fields and a campaign to four customers
    template = template_create(actor=workspace.manager, data={
        "name": "Your year", "kind": "marketing",
        "subject": "{{ person.first_name }}: {{ scores.rfm_segment|default:\"welcome\" }}",
        "body_text": SCORES_TEXT,
    })  # fmt: skip
    people = list(scored_customers.values())
    campaign = campaign_create(actor=workspace.manager, data={
        "name": "Value letters", "template_id": template.pk, "audience_kind": "static",
        "person_ids": [p.pk for p in people],
    })  # fmt: skip
    # When it is sent now
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(actor=workspace.manager, campaign=campaign)
    # Then each scored customer got their own values, and Dora the fallbacks
    assert len(smtp_sink.received) == 4
    for person in people[:3]:
        (received,) = smtp_sink.to(person.email)
        score = _latest(person)
        segment = rfm_segment(score.r_score, score.f_score)
        assert received.message["Subject"] == f"{person.first_name}: {segment}"
        for line in _expected_lines(score):
            assert line in received.text()
    (dora,) = smtp_sink.to("dora@example.com")
    assert dora.message["Subject"] == "Dora: welcome" and "Status: not scored yet" in dora.text()
    assert set(CampaignRecipient.objects.values_list("status", flat=True)) == {RecipientStatus.SENT}


def test_the_field_list_names_every_score_field(workspace: Any) -> None:
    groups = merge_fields.field_groups(custom_fields=[("shoe_size", "Shoe size")])
    listed = {name for group in groups for name, _ in group.fields}
    assert {n for n in merge_fields.FIELDS if n.startswith("scores.")} <= listed
    assert "custom.shoe_size" in listed and merge_fields.UNSUBSCRIBE_FIELD in listed
