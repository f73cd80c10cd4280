"""Request and response shapes for activities, tasks and notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.activities.models import ActivityKind, Priority, Recurrence, TaskStatus
from rapport.api.types import NON_BLANK, ApiDateTime, DbId, Minutes, QueryId, non_blank


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
    person: QueryId | None = Field(None, description="The timeline of this person.")
    organization: QueryId | None = Field(None, description="The timeline of this organisation.")
    kind: ActivityKind | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None


class ActivityCreate(InputSchema):
    kind: Literal["note", "call", "meeting"]
    subject: str = ""
    body: str = ""
    occurred_at: ApiDateTime | None = None
    duration_minutes: Minutes | None = None
    outcome: str = ""
    people: list[DbId] = []
    organizations: list[DbId] = []


class ActivityChange(InputSchema):
    subject: str | None = None
    body: str | None = None
    occurred_at: ApiDateTime | None = None
    duration_minutes: Minutes | None = None
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
    assignee: str | None = Field(
        None,
        description="A user id or `me`.",
        json_schema_extra={"pattern": r"^(|me|[0-9]{1,19})$"},
    )
    person: QueryId | None = None
    organization: QueryId | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None


class TaskCreate(InputSchema):
    title: str = Field(json_schema_extra=NON_BLANK)
    notes: str = ""
    due_at: ApiDateTime | None = None
    assignee: DbId | None = Field(None, description="A user id; default: you.")
    priority: Priority = Priority.NORMAL
    recurrence: Recurrence = Recurrence.NONE
    people: list[DbId] = []
    organizations: list[DbId] = []


class TaskChange(InputSchema):
    title: str | None = non_blank()
    notes: str | None = None
    due_at: ApiDateTime | None = None
    assignee: DbId | None = None
    priority: Priority | None = None
    recurrence: Recurrence | None = None
    people: list[DbId] | None = None
    organizations: list[DbId] | None = None


class SnoozeIn(InputSchema):
    until: ApiDateTime


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
