"""A rep's follow-up in a real browser: log a call from the timeline, add a task, get its
reminder in the bell, complete it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_log_a_call_add_a_task_get_reminded_and_complete_it(
    page: Any, workspace: Any, make_person: Any
) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    from rapport.activities.reminders import fire_due_reminders

    person = make_person(first_name="Ana", last_name="Souza")

    # Given rick is on Ana's page
    sign_in(page, "rick")
    page.goto(f"/people/{person.pk}/")
    timeline = page.locator("#timeline")
    expect(timeline.get_by_role("heading", name="Timeline")).to_be_visible()

    # When he logs a call from the timeline
    call = timeline.locator("details.log-form", has_text="Log a call")
    call.locator("summary").click()
    call.get_by_label("About").fill("Asked about the spring order")
    call.get_by_label("Minutes").fill("15")
    call.get_by_label("Outcome").fill("Wants a quote")
    call.get_by_role("button", name="Log call").click()

    # Then it is on the timeline at once, without leaving the page
    first = timeline.locator("li.tl-item").first
    expect(first).to_contain_text("Asked about the spring order")
    expect(first).to_contain_text("15 min · Wants a quote")
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))

    # When he adds a task for Ana that is due a minute ago
    task = timeline.locator("details.log-form", has_text="Add a task")
    task.locator("summary").click()
    task.get_by_label("Title").fill("Send Ana the quote")
    due = timezone.localtime() - timedelta(minutes=1)
    task.get_by_label("Due").fill(due.strftime("%Y-%m-%dT%H:%M"))
    task.get_by_role("button", name="Add task").click()
    expect(timeline.locator("li.tl-task").first).to_contain_text("Send Ana the quote")

    # And the every-minute reminder job runs (the real worker is tested in test_real_worker)
    assert fire_due_reminders() == 1

    # Then the bell shows one unread notification
    page.reload()
    expect(page.locator(".bell-badge")).to_have_text(re.compile(r"^1"))
    page.locator("a.bell").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.locator(".notification.unread")).to_contain_text("Reminder: Send Ana the quote")

    # When he opens it and completes the task
    page.locator(".notification.unread").get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    page.get_by_role("button", name="Complete Send Ana the quote").click()

    # Then the task is done, the bell is quiet, and the timeline says so
    expect(page.locator(".messages")).to_contain_text("Done: “Send Ana the quote”")
    expect(page.locator(".bell-badge")).to_have_count(0)
    expect(page.get_by_role("heading", name="Recently done")).to_be_visible()
    page.goto(f"/people/{person.pk}/")
    expect(page.locator("#timeline li.tl-task").first).to_contain_text("Done")
