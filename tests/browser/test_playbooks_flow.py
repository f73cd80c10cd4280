"""The playbook in Chromium: a manager opens it from the navigation, reads a definition,
drills into the people behind a number; on a phone the page fits the screen."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.people.models import Person
from rapport.playbooks.services import snapshot_take
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def _people(workspace: Any) -> None:
    for n, consent in enumerate(["granted", "unknown", "unknown", "declined"]):
        Person.objects.create(
            first_name=f"Pat{n}", last_name="North", owner=workspace.rep, team=workspace.north,
            email_consent=consent,
        )  # fmt: skip
    Person.objects.create(first_name="Sol", last_name="South", owner=workspace.other_rep,
                          team=workspace.south)  # fmt: skip
    snapshot_take()


def test_a_manager_drills_from_the_playbook_into_the_people_list(page: Any, workspace: Any) -> None:
    _people(workspace)
    sign_in(page, "mona")
    page.get_by_role("link", name="Playbook").click()
    page.get_by_role("heading", name="IDIC").wait_for()
    consent = page.locator('[data-indicator="identify.consent_known_share"]')
    assert "50%" in consent.locator(".ind-value").inner_text()  # 2 of North's 4
    consent.locator("summary").click()
    assert "e-mail consent is recorded" in consent.inner_text()
    consent.get_by_role("link", name="People whose consent is unknown").click()
    page.get_by_role("heading", name="People").wait_for()
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "Sol" not in page.locator("tbody").inner_text()


def test_the_playbook_fits_a_phone(browser: Any, live_server: Any, workspace: Any) -> None:
    _people(workspace)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    sign_in(phone, "alice")
    phone.goto("/playbooks/qci/")
    phone.get_by_role("heading", name="Customer management: win-back").wait_for()
    # Nothing in the page's content runs off the screen (the top bar is the layout's own).
    too_wide = phone.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
    )
    context.close()
    assert too_wide == 0
