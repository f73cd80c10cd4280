"""Duplicates in a real browser: the warning while typing, reviewing a cluster, merging, undoing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_warning_while_typing_a_known_person(page: Any, workspace: Any, make_person: Any) -> None:
    from playwright.sync_api import expect

    make_person(first_name="Ana", last_name="Souza", phones=["+1 415 555 0123"])
    sign_in(page, "rick")
    page.goto("/people/new/")
    page.get_by_label("First name").fill("Anna")
    page.get_by_label("Last name").fill("Souza")
    page.get_by_label("Phone numbers").press_sequentially("(415) 555-0123", delay=20)
    warning = page.locator("#dedupe-check")
    expect(warning).to_contain_text("Possible duplicate")
    expect(warning).to_contain_text("Ana Souza, same phone")
    # "Not a duplicate" takes the candidate out of the box
    warning.get_by_role("button", name="not a duplicate").click()
    expect(warning).not_to_contain_text("Ana Souza")


def test_review_a_cluster_merge_and_undo(page: Any, workspace: Any, make_person: Any) -> None:
    from playwright.sync_api import expect

    from rapport.dedupe.scan import scan_run
    from rapport.dedupe.services import scan_request
    from rapport.people.models import Person

    ana = make_person(first_name="Ana", last_name="Souza", emails=["ana@example.com"],
                      phones=["+14155550123"])  # fmt: skip
    anna = make_person(first_name="Anna", last_name="Souza", emails=["ana@example.com"],
                       title="CTO")  # fmt: skip
    scan_run(scan_request(entity="person", requested_by=None).pk)

    # Given rick opens the review queue
    sign_in(page, "rick")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Duplicates").click()
    cluster = page.locator(".dedupe-cluster").first
    expect(cluster).to_contain_text("Ana Souza")
    expect(cluster).to_contain_text("Anna Souza")
    expect(cluster).to_contain_text("same e-mail")

    # When he opens the merge: the newer record's first name is proposed; he keeps "Ana"
    cluster.get_by_role("link", name="Merge…").click()
    expect(page.get_by_role("heading", name="Merge two people")).to_be_visible()
    first_name = page.locator('td.result[data-field="first_name"]')
    expect(first_name).to_have_text("Anna")
    page.locator('input[type="radio"][name="choice_first_name"][value="survivor"]').check()
    page.get_by_role("button", name="Preview the result").click()
    expect(first_name).to_have_text("Ana")
    expect(page.locator('td.result[data-field="title"]')).to_have_text("CTO")
    page.get_by_role("button", name="Merge", exact=True).click()

    # Then he lands on the surviving record, which has the merged values
    expect(page.get_by_role("heading", name="Ana Souza")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("ana@example.com")
    assert Person.objects.get(pk=anna.pk).is_deleted
    assert Person.objects.get(pk=ana.pk).title == "CTO"

    # When he undoes the merge from the record's duplicates panel
    panel = page.locator("#duplicates-panel")
    expect(panel).to_contain_text("Merged into this record")
    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Undo merge").click()

    # Then both records are back as they were
    expect(page.get_by_text("Merge undone: Anna Souza is back")).to_be_visible()
    expect(page.get_by_role("heading", name="Ana Souza")).to_be_visible()
    assert not Person.objects.get(pk=anna.pk).is_deleted
    assert Person.objects.get(pk=ana.pk).title == ""
