"""Request and response shapes for activities, tasks and notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.activities.models import ActivityKind, Priority, Recurrence, TaskStatus


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")

    def to_service_data(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, mode="python")


class ActivityOut(Schema):
    id: int
    kind: ActivityKind
    subject: str
    body: str = Field(
        description="Notes are Markdown (CommonMark without raw HTML or images); `body_html` "
        "is it rendered and sanitised."
    )
    body_html: str
    occurred_at: dt.datetime
    actor_id: int | None
    duration_minutes: int | None
    outcome: str
    metadata: dict[str, Any]
    source_ref: str | None
    people: list[int] = Field(description="Ids of the linked people you may see.")
    organizations: list[int] = Field(description="Ids of the linked organisations you may see.")
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ActivityPage(Schema):
    results: list[ActivityOut]
    next: str | None = Field(description="The URL of the next page, or null on the last page.")


class ActivityListParams(Schema):
    person: int | None = Field(None, description="The timeline of this person.")
    organization: int | None = Field(None, description="The timeline of this organisation.")
    kind: ActivityKind | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None


class ActivityCreate(InputSchema):
    kind: Literal["note", "call", "meeting"]
    subject: str = ""
    body: str = ""
    occurred_at: dt.datetime | None = None
    duration_minutes: int | None = Field(None, ge=0, le=1440)
    outcome: str = ""
    people: list[int] = []
    organizations: list[int] = []


class ActivityChange(InputSchema):
    subject: str | None = None
    body: str | None = None
    occurred_at: dt.datetime | None = None
    duration_minutes: int | None = Field(None, ge=0, le=1440)
    outcome: str | None = None


class TaskOut(Schema):
    id: int
    title: str
    notes: str
    due_at: dt.datetime | None
    assignee_id: int
    created_by_id: int | None
    priority: Priority
    recurrence: Recurrence
    status: TaskStatus
    completed_at: dt.datetime | None
    snoozed_until: dt.datetime | None
    people: list[int]
    organizations: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class TaskPage(Schema):
    results: list[TaskOut]
    next: str | None


class TaskListParams(Schema):
    status: TaskStatus | None = None
    assignee: str | None = Field(None, description="A user id or `me`.")
    person: int | None = None
    organization: int | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None


class TaskCreate(InputSchema):
    title: str
    notes: str = ""
    due_at: dt.datetime | None = None
    assignee: int | None = Field(None, description="A user id; default: you.")
    priority: Priority = Priority.NORMAL
    recurrence: Recurrence = Recurrence.NONE
    people: list[int] = []
    organizations: list[int] = []


class TaskChange(InputSchema):
    title: str | None = None
    notes: str | None = None
    due_at: dt.datetime | None = None
    assignee: int | None = None
    priority: Priority | None = None
    recurrence: Recurrence | None = None
    people: list[int] | None = None
    organizations: list[int] | None = None


class SnoozeIn(InputSchema):
    until: dt.datetime


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    results: list[NotificationOut]
    next: str | None


class NotificationListParams(Schema):
    unread: bool = Field(False, description="Only unread notifications.")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None


class MarkedOut(Schema):
    marked: int
