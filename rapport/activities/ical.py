"""A user's private iCalendar feed (RFC 5545): open tasks as VTODO, meetings as VEVENT.

Written by hand, it is short: TEXT values escape backslash, semicolon, comma and
newlines (3.3.11); lines end in CRLF and are folded at 75 octets without splitting
a UTF-8 character (3.1); times are UTC ("Z" form).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from rapport.accounts.models import User
from rapport.activities.models import Activity, ActivityKind, Task, TaskStatus, UserPreference
from rapport.core.params import id_or_none

PRODID = "-//Rapport//Rapport CRM//EN"
MEETING_DEFAULT = timedelta(minutes=30)
FEED_PAST = timedelta(days=90)
PRIORITIES = {"high": 1, "normal": 5, "low": 9}  # 1 is the highest (RFC 5545 3.8.1.9)


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )  # fmt: skip


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces; continuation lines start with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces: list[str] = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # not inside a character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # the leading space counts
    return "\r\n ".join(pieces)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    return hosts[0] if hosts else "rapport.local"


def _todo(task: Task, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VTODO", f"UID:task-{task.pk}@{_host()}", f"DTSTAMP:{stamp}",
        f"SUMMARY:{escape_text(task.title)}", f"CREATED:{_utc(task.created_at)}",
        f"LAST-MODIFIED:{_utc(task.updated_at)}", f"SEQUENCE:{task.version}",
        f"PRIORITY:{PRIORITIES.get(task.priority, 5)}",
        f"STATUS:{'COMPLETED' if task.status == TaskStatus.DONE else 'NEEDS-ACTION'}",
    ]  # fmt: skip
    if task.due_at:
        lines.append(f"DUE:{_utc(task.due_at)}")
    if task.notes:
        lines.append(f"DESCRIPTION:{escape_text(task.notes)}")
    if task.completed_at:
        lines.append(f"COMPLETED:{_utc(task.completed_at)}")
    lines.append("END:VTODO")
    return lines


def _event(meeting: Activity, stamp: str) -> list[str]:
    length = (
        timedelta(minutes=meeting.duration_minutes) if meeting.duration_minutes else MEETING_DEFAULT
    )
    lines = [
        "BEGIN:VEVENT", f"UID:meeting-{meeting.pk}@{_host()}", f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(meeting.occurred_at)}", f"DTEND:{_utc(meeting.occurred_at + length)}",
        f"SUMMARY:{escape_text(meeting.subject or 'Meeting')}", f"SEQUENCE:{meeting.version}",
    ]  # fmt: skip
    if meeting.body:
        lines.append(f"DESCRIPTION:{escape_text(meeting.body)}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(user: User, *, now: datetime | None = None) -> str:
    """The feed: the user's open tasks (and ones done lately) and their meetings."""
    now = now or timezone.now()
    stamp = _utc(now)
    tasks: Iterable[Task] = (
        Task.objects.filter(assignee=user)
        .exclude(status=TaskStatus.DONE, completed_at__lt=now - FEED_PAST)
        .order_by("due_at", "id")[:2000]
    )
    meetings: Iterable[Activity] = Activity.objects.filter(
        actor=user, kind=ActivityKind.MEETING, occurred_at__gte=now - FEED_PAST
    ).order_by("occurred_at", "id")[:2000]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{escape_text(f'Rapport – {user.display_name}')}"]  # fmt: skip
    for task in tasks:
        lines.extend(_todo(task, stamp))
    for meeting in meetings:
        lines.extend(_event(meeting, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def feed_token(preference: UserPreference) -> str:
    """``<user id>.<HMAC>``: only the salt is stored, so the database alone does not give the URL."""
    digest = hmac.new(
        f"{settings.SECRET_KEY}:{preference.calendar_salt}".encode(),
        f"rapport.calendar:{preference.user_id}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"{preference.user_id}.{digest[:40]}"


def user_for_token(token: str) -> User | None:
    user_id = id_or_none(token.partition(".")[0])
    if user_id is None:
        return None
    preference = UserPreference.objects.select_related("user").filter(user_id=user_id).first()
    if preference is None or not preference.calendar_salt or not preference.user.is_active:
        return None
    if not hmac.compare_digest(feed_token(preference), token):
        return None
    return preference.user
