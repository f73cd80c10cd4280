"""Activities routes: timeline panel and inline logging, tasks, notifications, calendar feed.

The world adds, all rick's: a note on the person, a task assigned to him (linked to the
person), a notification for him, and his calendar feed turned on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.activities.ical import feed_token
from rapport.activities.models import Activity, Notification, Task
from rapport.activities.notify import calendar_feed_rotate, notification_create
from rapport.activities.services import activity_log
from rapport.activities.task_services import task_create
from tests.rapport.security.matrix import (
    EDITS_RECORD,
    EVERYONE,
    PUBLIC,
    SEES_RECORD,
    WRITERS,
    Case,
    World,
)

# The assignee (rick), his manager and admins may change his task.
TASK_CHANGERS = frozenset({"admin", "manager", "rep"})
MANAGERS = frozenset({"admin", "manager"})
ONLY_RICK = frozenset({"rep"})


def extend_world(world: World) -> None:
    rick = world.users["rep"]
    world.extra["note"] = activity_log(
        actor=rick, kind="note", data={"body": "Matrix note", "people": [world.person.pk]}
    )
    world.extra["task"] = task_create(
        actor=rick,
        data={"title": "Matrix task", "due_at": timezone.now() + timedelta(days=1),
              "people": [world.person.pk]},
    )  # fmt: skip
    world.extra["notification"] = notification_create(user=rick, kind="reminder", title="Matrix")
    world.extra["feed_token"] = feed_token(calendar_feed_rotate(user=rick))


def _person(w: World) -> dict[str, Any]:
    return {"pk": w.person.pk}


def _org(w: World) -> dict[str, Any]:
    return {"pk": w.org.pk}


def _note(w: World) -> dict[str, Any]:
    return {"pk": w.extra["note"].pk}


def _task(w: World) -> dict[str, Any]:
    return {"pk": w.extra["task"].pk}


def _note_gone(w: World) -> bool:
    return not Activity.objects.filter(pk=w.extra["note"].pk).exists()


def _task_done(w: World) -> bool:
    return Task.objects.get(pk=w.extra["task"].pk).status == "done"


def _task_gone(w: World) -> bool:
    return not Task.objects.filter(pk=w.extra["task"].pk).exists()


def _read(w: World) -> bool:
    return Notification.objects.get(pk=w.extra["notification"].pk).read_at is not None


PAGES: dict[str, list[Case]] = {
    "activities:person_timeline": [Case("GET", frozenset(SEES_RECORD), kwargs=_person)],
    "activities:organization_timeline": [Case("GET", frozenset(SEES_RECORD), kwargs=_org)],
    "activities:person_log": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            kwargs=_person,
            data=lambda w: {"what": "note", "body": "Hi"},
        )
    ],
    "activities:organization_log": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            kwargs=_org,
            data=lambda w: {"what": "call", "subject": "Rang them"},
        )
    ],
    "activities:activity_delete": [
        Case("POST", frozenset(EDITS_RECORD), kwargs=_note, effect=_note_gone)
    ],
    "activities:task_list": [
        Case("GET", frozenset(EVERYONE)),
        Case(
            "POST",
            frozenset(WRITERS),
            data=lambda w: {"title": "New", "priority": "normal", "recurrence": "none"},
        ),
    ],
    "activities:task_team": [Case("GET", MANAGERS)],
    "activities:task_edit": [
        Case("GET", TASK_CHANGERS, kwargs=_task),
        Case(
            "POST",
            TASK_CHANGERS,
            kwargs=_task,
            data=lambda w: {"title": "Renamed", "priority": "high", "recurrence": "none"},
        ),
    ],
    "activities:task_complete": [Case("POST", TASK_CHANGERS, kwargs=_task, effect=_task_done)],
    "activities:task_snooze": [
        Case("POST", TASK_CHANGERS, kwargs=_task, data=lambda w: {"for": "1h"})
    ],
    "activities:task_reassign": [
        Case("POST", TASK_CHANGERS, kwargs=_task, data=lambda w: {"assignee": w.users["rep2"].pk})
    ],
    "activities:notification_list": [Case("GET", frozenset(EVERYONE))],
    "activities:bell": [Case("GET", frozenset(EVERYONE))],
    "activities:notification_read": [
        Case("POST", ONLY_RICK, kwargs=lambda w: {"pk": w.extra["notification"].pk}, effect=_read)
    ],
    "activities:notification_read_all": [Case("POST", frozenset(EVERYONE))],
    "activities:preferences": [
        Case("GET", frozenset(EVERYONE)),
        Case("POST", frozenset(EVERYONE), data=lambda w: {"email_reminders": "on"}),
    ],
    # The secret in the URL is the credential: no login needed, and it shows rick's calendar.
    "activities:calendar_feed": [
        Case("GET", frozenset(PUBLIC), kwargs=lambda w: {"token": w.extra["feed_token"]})
    ],
}

API: dict[tuple[str, str], Case] = {
    ("GET", "/activities"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/activities"): Case(
        "POST",
        frozenset(EDITS_RECORD),
        data=lambda w: {"kind": "note", "body": "From a script", "people": [w.person.pk]},
    ),
    ("GET", "/activities/{activity_id}"): Case("GET", frozenset(SEES_RECORD)),
    ("PATCH", "/activities/{activity_id}"): Case(
        "PATCH", frozenset(EDITS_RECORD), data=lambda w: {"body": "Edited"}
    ),
    ("DELETE", "/activities/{activity_id}"): Case(
        "DELETE", frozenset(EDITS_RECORD), effect=_note_gone
    ),
    ("GET", "/tasks"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/tasks"): Case("POST", frozenset(WRITERS), data=lambda w: {"title": "Api task"}),
    ("GET", "/tasks/{task_id}"): Case("GET", TASK_CHANGERS),
    ("PATCH", "/tasks/{task_id}"): Case(
        "PATCH", TASK_CHANGERS, data=lambda w: {"priority": "high"}
    ),
    ("DELETE", "/tasks/{task_id}"): Case("DELETE", TASK_CHANGERS, effect=_task_gone),
    ("POST", "/tasks/{task_id}/complete"): Case("POST", TASK_CHANGERS, effect=_task_done),
    ("POST", "/tasks/{task_id}/snooze"): Case(
        "POST",
        TASK_CHANGERS,
        data=lambda w: {"until": (timezone.now() + timedelta(hours=2)).isoformat()},
    ),
    ("GET", "/notifications"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/notifications/read-all"): Case("POST", frozenset(EVERYONE)),
    ("POST", "/notifications/{notification_id}/read"): Case("POST", ONLY_RICK, effect=_read),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {
        "activity_id": world.extra["note"].pk,
        "task_id": world.extra["task"].pk,
        "notification_id": world.extra["notification"].pk,
    }
