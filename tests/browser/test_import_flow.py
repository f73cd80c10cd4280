"""Importing a file in a real browser: upload, check the mapping, dry run, import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
CSV = (
    "Given Name,Family Name,E-mail 1 - Value,Phone 1 - Value,Favourite colour\n"
    "ANA,SOUZA,ana@mail.example.com,(415) 555-2671,blue\n"
    "Bruno,Costa,bruno(at)mail.example.com,,red\n"
    "Carla,Dias,carla@mail.example.com,,green\n"
)


def test_upload_map_dry_run_and_import(page: Any, workspace: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from rapport.people.models import Person

    source = tmp_path / "google-contacts.csv"
    source.write_text(CSV, encoding="utf-8")
    # Given rick is signed in
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rick")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="People").wait_for()

    # When he opens Data and uploads a Google Contacts export
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data").click()
    page.get_by_label("File").set_input_files(str(source))
    page.get_by_role("button", name="Upload and preview").click()

    # Then the columns come with suggestions, the unknown one skipped
    expect(page.get_by_role("heading", name="Columns")).to_be_visible()
    expect(page.get_by_label("Given Name")).to_have_value("first_name")
    expect(page.get_by_label("E-mail 1 - Value")).to_have_value("email")
    expect(page.get_by_label("Favourite colour")).to_have_value("")

    # When he tries a dry run, he sees what would happen and nothing is saved
    page.get_by_role("button", name="Dry run (save nothing)").click()
    progress = page.locator("#import-progress")
    expect(progress.locator('[data-count="created"]')).to_have_text("2")
    expect(progress.locator('[data-count="rejected"]')).to_have_text("1")
    expect(progress).to_contain_text("not a valid e-mail address")
    assert Person.objects.count() == 0

    # When he imports for real, the people land, names recased and phones in E.164
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator('#import-progress [data-count="created"]')).to_have_text("2")
    page.get_by_role("link", name="Go to the list").click()
    expect(page.get_by_role("link", name="Ana Souza")).to_be_visible()
    assert Person.objects.get(email="ana@mail.example.com").phone == "+14155552671"
