"""Playwright driving Debian's Chromium against pytest-django's live server.

Without Chromium the browser tests are skipped locally, but CI (CI=true) must
run them, so there a missing browser is a failure rather than a skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# The campaign tests' SMTP server on loopback and scored customers, for the campaign pages.
from tests.rapport.campaigns.conftest import scored_customers, smtp_sink  # noqa: F401

# The app tests' workspace, factories and autouse settings (this tree is beside tests/rapport).
from tests.rapport.conftest import (  # noqa: F401
    _clear_cache,
    _fast_hasher,
    _huey_immediate,
    _plain_static_storage,
    api_as,
    make_org,
    make_person,
    workspace,
)

# Playwright's sync API runs an event loop in this thread; Django would otherwise
# refuse ORM calls from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = "chromium not installed: browser tests skipped (apt-get install chromium)"


def chromium_executable() -> str | None:
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING.replace("skipped", "cannot run, and CI must run them"))
        pytest.skip(MISSING)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Any) -> None:
    # The manifest storage needs `collectstatic`; the live server serves from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    # Every page must work under the Content-Security-Policy: Chromium reports what it
    # refused on the console, and the test fails on it.
    refused: list[str] = []
    tab.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    yield tab
    # Let requests the page still has in flight (an HTMX panel loading after the last
    # step) finish before the database is emptied under the live server.
    with contextlib.suppress(Exception):
        tab.wait_for_load_state("networkidle", timeout=5_000)
    context.close()
    assert not refused, refused


@pytest.fixture(autouse=True)
def _empty_the_audit_trail_after_each_test(live_server: Any) -> Iterator[None]:
    """Let the live-server tests' database flush get past the append-only audit trigger.

    Live-server tests cannot roll back, so pytest-django empties every table with
    DELETE afterwards; on SQLite the audit table's trigger refuses that. Empty it
    here with the trigger briefly lifted, then put the trigger back. (PostgreSQL's
    flush uses TRUNCATE, which row triggers do not see.)
    """
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute(
            "CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
        )
