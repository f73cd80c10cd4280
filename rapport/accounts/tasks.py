"""Background jobs of accounts (huey autodiscovers ``tasks`` modules)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from rapport.accounts.password_reset import password_reset_send


@db_task(retries=3, retry_delay=60)
def send_password_reset(email: str) -> None:
    """The reset mail, sent here so the request answers alike for every address."""
    password_reset_send(email=email)
