"""The model questionnaire, the maturity assessment's radar, objectives and the current-state PDF in Chromium."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_choose_a_model_then_answer_the_gartner_assessment(page: Any, workspace: Any) -> None:
    from playwright.sync_api import expect

    from rapport.playbooks.models import PlaybookSettings

    # Given the admin answers the questionnaire for a consumer shop
    sign_in(page, "alice")
    page.goto("/assessments/choose-model/")
    for label in ("Consumers (B2C)", "More than 100,000", "1 to 5", "Again and again (shop, subscription)",
                  "Knowing and cleaning up our customer data"):  # fmt: skip
        page.get_by_label(label).check()
    page.get_by_role("button", name="Recommend a model").click()
    # Then IDIC is recommended with its reasons, and she makes it the playbook's model
    expect(page.get_by_role("heading", name="We suggest idic: IDIC")).to_be_visible()
    expect(page.get_by_text("IDIC starts with Identify")).to_be_visible()
    page.get_by_role("button", name="Use this model for our playbook").click()
    expect(page.get_by_text("The playbook now follows IDIC.")).to_be_visible()
    assert PlaybookSettings.current().primary_model == "idic"

    # When she starts an assessment round and scores Gartner's competencies
    page.goto("/assessments/")
    page.get_by_label("Start a new round").fill("Winter 2026")
    page.get_by_role("button", name="Start").click()
    for key, score in (("vision", 4), ("strategy", 3), ("customer_experience", 2), ("collaboration", 3),
                       ("processes", 2), ("information", 1), ("technology", 3), ("metrics", 2)):  # fmt: skip
        page.locator(f'input[name="score-gartner.{key}"][value="{score}"]').check(force=True)
    page.get_by_role("button", name="Save my answers").click()
    # Then the results draw the radar with her scores, and the weak ones link to what fixes them
    expect(page.get_by_text("you answered 8 of 20")).to_be_visible()
    radar = page.locator("section:has(h2#fw-gartner) svg")
    expect(radar.locator("polygon.radar-team")).to_be_attached()
    expect(radar.locator("text.radar-label")).to_have_count(8)
    information = page.locator("tr.weak", has_text="Our customer data is complete")
    expect(information.get_by_role("link", name="Duplicate review")).to_be_visible()


def test_set_an_objective_and_print_the_current_state(page: Any, workspace: Any) -> None:
    from playwright.sync_api import expect

    from rapport.people.models import ConsentStatus
    from tests.rapport.playbooks.builders import person

    for consent in (
        ConsentStatus.GRANTED,
        ConsentStatus.UNKNOWN,
        ConsentStatus.UNKNOWN,
        ConsentStatus.UNKNOWN,
    ):
        person(workspace.rep, email_consent=consent)
    sign_in(page, "rick")
    # An objective over his own records: known consent from 25 % to 75 % in 90 days
    page.goto("/objectives/new/?indicator=identify.consent_known_share")
    page.get_by_label("Objective").fill("Ask my customers for consent")
    page.get_by_label("Over").select_option(label="My records")
    page.get_by_label("Target").fill("75")
    page.get_by_label("Deadline").fill((timezone.localdate() + dt.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Set the objective").click()
    expect(page.get_by_role("heading", name="Ask my customers for consent")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("25%")
    expect(page.locator("dl.facts")).to_contain_text("75%")
    expect(page.locator(".badge.objective-on_track")).to_be_visible()

    # The current state, printed to PDF by Chromium through the print stylesheet
    page.goto("/assessments/current-state/")
    expect(page.get_by_role("heading", name="What to fix first")).to_be_visible()
    expect(page.get_by_text("No orders: customer value")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Download PDF")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    assert b"/Type /Page" in pdf or b"/Type/Page" in pdf
