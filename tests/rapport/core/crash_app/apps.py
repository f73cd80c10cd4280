from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from rapport.core.models import OutboxEvent

CONSUMER = "tests.crash_counter"
EFFECT = "crash-effect"


def slow_counter(event: OutboxEvent) -> None:
    """Its effect (a row naming the event) commits with the cursor's advance, or not at all."""
    from rapport.core.models import AuditEvent

    AuditEvent.objects.create(action="create", entity_type=EFFECT, entity_id=event.pk)
    time.sleep(0.1)  # slow enough for the kill to land mid-dispatch


class CrashAppConfig(AppConfig):
    name = "tests.rapport.core.crash_app"
    label = "events_crash_app"

    def ready(self) -> None:
        from rapport.core.events import subscribe

        subscribe("organization.created", slow_counter, phase="after_commit", consumer=CONSUMER)
