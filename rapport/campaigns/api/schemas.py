"""Request and response shapes for e-mail templates, e-mails and campaigns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.api.types import ApiDateTime, DbId, non_blank, not_null
from rapport.campaigns.models import AudienceKind, Campaign, EmailTemplate, TemplateKind


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")

    def to_service_data(self) -> dict[str, Any]:
        """The keys the client sent, with ``owner_id``/``team_id`` → ``owner``/``team``."""
        data = self.model_dump(exclude_unset=True)
        out = {k: getattr(v, "value", v) for k, v in data.items()}
        for api_name, service_name in (("owner_id", "owner"), ("team_id", "team")):
            if api_name in out:
                out[service_name] = out.pop(api_name)
        return out


class OwnedIn(InputSchema):
    owner_id: DbId | None = Field(
        None, description="A user id (yourself or a teammate); default: you"
    )
    team_id: DbId | None = Field(
        None, description="One of your teams, or null; default: your first"
    )


class TemplateIn(OwnedIn):
    name: str | None = non_blank()
    subject: str | None = non_blank("Merge fields allowed, e.g. {{ person.first_name }}")
    body_text: str | None = non_blank()
    body_html: str | None = Field(
        None, description="Optional HTML alternative; merged values are escaped"
    )
    kind: TemplateKind | None = not_null()


class TemplateOut(Schema):
    id: int
    name: str
    subject: str
    body_text: str
    body_html: str
    kind: str
    created_by_id: int | None
    owner_id: int | None
    team_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_created_by_id(obj: EmailTemplate) -> int | None:
        return obj.created_by_id


class TemplatePage(Schema):
    results: list[TemplateOut]
    next: str | None


class EmailIn(InputSchema):
    template_id: DbId | None = Field(
        None, description="Send this template; or give subject and body_text"
    )
    subject: str | None = None
    body_text: str | None = None
    kind: TemplateKind | None = Field(
        None, description="For a written message; default transactional"
    )


class EmailOut(Schema):
    id: int
    person_id: int
    status: str
    message_id: str
    to_address: str
    subject: str
    kind: str
    error: str = Field(
        description="Why it failed; while `queued` again, the last temporary refusal"
    )
    attempts: int = Field(description="Hand-offs to the mail server tried so far")
    next_attempt_at: dt.datetime | None = Field(
        description="When the worker tries again after a temporary refusal (4xx, unreachable)"
    )
    created_at: dt.datetime
    sent_at: dt.datetime | None


class CampaignIn(OwnedIn):
    name: str | None = non_blank()
    template_id: DbId | None = Field(None, description="A marketing template")
    audience_kind: AudienceKind | None = not_null()
    segment_id: DbId | None = None
    person_ids: list[DbId] | None = Field(None, description="A fixed list of people")
    people_filter: str | None = Field(
        None,
        description="Or: the People list's query string (e.g. `tag=vip&stage=customer`), resolved now",
    )


class CampaignOut(Schema):
    id: int
    name: str
    template_id: int
    audience_kind: str
    segment_id: int | None
    person_count: int
    status: str
    scheduled_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    created_by_id: int | None
    owner_id: int | None
    team_id: int | None
    scheduled_by_id: int | None
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_person_count(obj: Campaign) -> int:
        return len(obj.static_person_ids or [])

    @staticmethod
    def resolve_created_by_id(obj: Campaign) -> int | None:
        return obj.created_by_id


class CampaignPage(Schema):
    results: list[CampaignOut]
    next: str | None


class ScheduleIn(InputSchema):
    at: ApiDateTime | None = Field(
        None, description="When to send; omit (or a past time) to send now"
    )


class ResultsOut(Schema):
    total: int
    handed_over: int = Field(description="Recipients whose e-mail the mail server took")
    counts: dict[str, int]
    rates: dict[str, float] = Field(description="bounce, reply, unsubscribe: share of handed_over")


class ListParams(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None
