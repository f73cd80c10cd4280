"""Putting e-mails on the people's timelines (the activities app owns the timeline)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rapport.activities.models import ActivityKind
from rapport.activities.services import activity_record
from rapport.people.models import Person


def record_email(
    *,
    kind: str,
    actor: Any,
    subject: str,
    body: str,
    people: Sequence[Person],
    message_id: str,
    occurred_at: datetime | None = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    """One timeline entry per e-mail, keyed by its Message-ID (recording twice is a no-op)."""
    if not people:
        return
    activity_record(
        kind=kind, actor=actor, subject=subject or "(no subject)", body=body[:20_000],
        occurred_at=occurred_at, people=list(people), metadata={"message_id": message_id, **(metadata or {})},
        source_ref=f"email:{kind}:{message_id}"[:255],
    )  # fmt: skip


EMAIL_OUT = ActivityKind.EMAIL_OUT.value
EMAIL_IN = ActivityKind.EMAIL_IN.value
CAMPAIGN_SEND = ActivityKind.CAMPAIGN_SEND.value
