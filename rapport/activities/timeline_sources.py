"""The timeline sources this app provides: activities, tasks, and changes from the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from rapport.accounts.models import User
from rapport.activities.markdown import render_markdown
from rapport.activities.models import HAND_LOGGED, ActivityKind, ActivityLink, Task
from rapport.activities.selectors import record_activity_links, record_tasks
from rapport.activities.timeline import Cursor, TimelineItem, register_timeline_source
from rapport.core.entities import entity_of
from rapport.core.models import AuditAction, AuditEvent

ICONS = {
    "note": "✎", "call": "☎", "meeting": "◷", "email_out": "✉", "email_in": "✉",
    "campaign_send": "➤", "task": "☐", "task_done": "☑", "change": "↻", "merge": "⇄",
}  # fmt: skip
VERBS = {
    "note": "added a note", "call": "logged a call", "meeting": "logged a meeting",
    "email_out": "sent an e-mail", "email_in": "received an e-mail",
    "campaign_send": "sent a campaign", "task": "logged a task",
}  # fmt: skip
ACTIVITY_KINDS = tuple(ActivityKind.values)
AUDIT_KINDS = ("change", "merge")
LABELS = {
    "note": "Notes", "call": "Calls", "meeting": "Meetings", "email_out": "E-mails sent",
    "email_in": "E-mails received", "campaign_send": "Campaigns", "task": "Tasks",
    "change": "Field changes", "merge": "Merges",
}  # fmt: skip


def _entity(record: Any) -> str:
    return entity_of(record).key


def _activity_body(link: ActivityLink) -> SafeString:
    activity = link.activity
    facts = []
    if activity.duration_minutes:
        facts.append(f"{activity.duration_minutes} min")
    if activity.outcome:
        facts.append(activity.outcome)
    meta = format_html('<p class="muted small">{}</p>', " · ".join(facts)) if facts else ""
    text = render_markdown(activity.body) if activity.body else ""
    return format_html("{}{}", meta, text)


def activity_items(
    *, record: Any, user: User, before: Cursor | None, limit: int, kinds: Sequence[str] = ()
) -> list[TimelineItem]:
    links = record_activity_links(entity=_entity(record), record=record, kinds=list(kinds) or None)
    if before is not None:
        links = links.filter(before.q("occurred_at", "activity_id", source="activities"))
    items = []
    for link in links[:limit]:
        activity = link.activity
        actor = activity.actor.display_name if activity.actor else ""
        verb = VERBS.get(activity.kind, activity.kind)
        title = activity.subject or activity.get_kind_display()
        changeable = activity.kind in HAND_LOGGED and (
            user.is_admin or (activity.actor_id == user.pk and user.role != "viewer")
        )
        items.append(
            TimelineItem(
                occurred_at=link.occurred_at, kind=activity.kind, title=title,
                body_html=_activity_body(link), icon=ICONS.get(activity.kind, "•"),
                source="activities", key=activity.pk, actor=f"{actor} {verb}".strip(),
                extra={"activity_id": activity.pk, "can_change": changeable},
            )
        )  # fmt: skip
    return items


def task_items(*, record: Any, user: User, before: Cursor | None, limit: int) -> list[TimelineItem]:
    tasks = record_tasks(user=user, entity=_entity(record), record=record).annotate(
        timeline_at=Coalesce(F("completed_at"), F("created_at"))
    )
    if before is not None:
        tasks = tasks.filter(before.q("timeline_at", "id", source="tasks"))
    items = []
    task: Task
    for task in tasks.order_by("-timeline_at", "-id")[:limit]:
        done = not task.is_open
        due = ""
        if task.due_at:
            due = format_html(
                ' · due <time datetime="{}">{}</time>',
                task.due_at.isoformat(),
                task.due_at.strftime("%d %b %Y %H:%M"),
            )
        body = format_html('<p class="muted small">{}{}{}</p>', "Done" if done else "Open", f" · for {task.assignee.display_name}", due)  # fmt: skip
        items.append(
            TimelineItem(
                occurred_at=task.timeline_at,
                kind="task", title=task.title, body_html=body,
                url=reverse("activities:task_list") + f"#task-{task.pk}", icon=ICONS["task_done" if done else "task"],
                source="tasks", key=task.pk,
                actor=f"{task.created_by.display_name if task.created_by else 'Someone'} set a task",
            )
        )  # fmt: skip
    return items


def _changes_html(changes: dict[str, Any]) -> SafeString:
    rows = [
        (name.replace("_", " "), _short(pair[0]), _short(pair[1]))
        for name, pair in sorted(changes.items())
        if isinstance(pair, list) and len(pair) == 2
    ]
    if not rows:
        return mark_safe("")
    lines = format_html_join("", "<li>{}: <s>{}</s> → {}</li>", rows)
    return format_html('<ul class="changes-list">{}</ul>', lines)


def _short(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def audit_items(
    *, record: Any, user: User, before: Cursor | None, limit: int
) -> list[TimelineItem]:
    events = AuditEvent.objects.filter(
        entity_type=_entity(record), entity_id=record.pk,
        action__in=[AuditAction.UPDATE, AuditAction.MERGE],
    ).order_by("-created_at", "-id")  # fmt: skip
    if before is not None:
        events = events.filter(before.q("created_at", "id", source="audit"))
    items = []
    for event in events[:limit]:
        merge = event.action == AuditAction.MERGE
        fields = ", ".join(sorted(k.replace("_", " ") for k in event.changes))
        items.append(
            TimelineItem(
                occurred_at=event.created_at, kind="merge" if merge else "change",
                title="Merged a duplicate into this record" if merge else f"Changed {fields}",
                body_html=_changes_html(event.changes), icon=ICONS["merge" if merge else "change"],
                source="audit", key=event.pk, actor=event.actor_label,
            )
        )  # fmt: skip
    return items


def register_builtin_sources() -> None:
    for entity in ("person", "organization"):
        register_timeline_source(entity, activity_items, kinds=ACTIVITY_KINDS, filters_kinds=True,
                                 labels={k: LABELS[k] for k in ACTIVITY_KINDS if k != "task"})  # fmt: skip
        register_timeline_source(entity, task_items, kinds=("task",), labels={"task": "Tasks"})
        register_timeline_source(entity, audit_items, kinds=AUDIT_KINDS,
                                 labels={k: LABELS[k] for k in AUDIT_KINDS})  # fmt: skip
