"""What the browser tests share: signing in as one of the workspace fixture's users."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct horse battery staple"


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="People").wait_for()
