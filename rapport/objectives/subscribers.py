"""What the objectives app does when something happens elsewhere, or to an objective."""

from __future__ import annotations

from django.urls import reverse

from rapport.activities.models import NotificationKind
from rapport.activities.notify import notification_create
from rapport.core.models import OutboxEvent
from rapport.objectives.models import Objective, ObjectiveStatus
from rapport.objectives.services import objectives_evaluate


def evaluate_after_snapshot(event: OutboxEvent) -> None:
    """Each new day of snapshots moves every running objective: re-read their status."""
    objectives_evaluate()


def notify_owner(event: OutboxEvent) -> None:
    """Tell the owner their objective went off track or was missed, once per objective and status."""
    for objective in Objective.objects.filter(pk__in=event.entity_ids).select_related("owner"):
        if objective.status not in (ObjectiveStatus.OFF_TRACK, ObjectiveStatus.MISSED):
            continue  # it recovered before this ran
        missed = objective.status == ObjectiveStatus.MISSED
        notification_create(
            user=objective.owner,
            kind=NotificationKind.OBJECTIVE,
            title=f"Objective {'missed' if missed else 'off track'}: {objective.title}",
            body=(f"The deadline was {objective.deadline:%d %b %Y}." if missed else
                  f"It is behind the path to its target by {objective.deadline:%d %b %Y}."),
            url=reverse("objectives:detail", args=[objective.pk]),
            dedupe_key=f"objective:{objective.pk}:{objective.status}",
        )  # fmt: skip
