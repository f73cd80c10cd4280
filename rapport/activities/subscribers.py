"""Notifications that follow what happens to activities and tasks (domain events).

- ``activity.logged`` / ``activity.updated``: the users a note, call or meeting newly
  @mentions, who may see one of its records, are notified. In the transaction: a
  notification never points at an activity that was rolled back, and an edit is
  compared with the text before it (``event.changes``, held in memory only).
- ``task.created`` / ``task.updated`` with ``assignee`` among its fields: the assignee
  is notified (unless they gave the task to themselves). In the transaction too.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models.functions import Lower
from django.urls import reverse

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.activities.markdown import mentioned_usernames
from rapport.activities.models import Activity, ActivityLink, Task
from rapport.activities.notify import notification_create
from rapport.core.events import subscribe
from rapport.core.models import OutboxEvent
from rapport.people.models import Organization, Person


def _actor(event: OutboxEvent) -> User | None:
    return User.objects.filter(pk=event.actor_id).first() if event.actor_id else None


def logged_activity_mentions(event: OutboxEvent) -> None:
    actor = _actor(event)
    if actor is None:
        return
    for activity in Activity.objects.filter(pk__in=event.entity_ids):
        # In the order they were linked: the notification's link is the first record's page.
        links = list(
            ActivityLink.objects.filter(activity=activity)
            .select_related("person", "organization")
            .order_by("pk")
        )
        people = [link.person for link in links if link.person is not None]
        orgs = [link.organization for link in links if link.organization is not None]
        _notify_mentions(activity, actor, people, orgs, previous_text="")


def updated_activity_mentions(event: OutboxEvent) -> None:
    actor = _actor(event)
    if actor is None:
        return
    subject, body = (event.changes.get(field, [""])[0] for field in ("subject", "body"))
    for activity in Activity.objects.filter(pk__in=event.entity_ids):
        people = list(Person.objects.filter(pk__in=activity.links.values("person_id")))
        orgs = list(Organization.objects.filter(pk__in=activity.links.values("organization_id")))
        _notify_mentions(activity, actor, people, orgs, previous_text=f"{subject}\n{body}")


def _notify_mentions(
    activity: Activity,
    actor: User,
    people: Sequence[Person],
    orgs: Sequence[Organization],
    previous_text: str,
) -> None:
    """Notify the users newly @mentioned who may see one of the activity's records."""
    names = mentioned_usernames(f"{activity.subject}\n{activity.body}") - mentioned_usernames(
        previous_text
    )
    names.discard(actor.username.lower())
    if not names:
        return
    url = _activity_url(people, orgs)
    candidates = User.objects.annotate(lname=Lower("username")).filter(
        lname__in=names, is_active=True
    )
    for user in candidates:
        if not _sees_any(user, people, orgs):
            continue
        notification_create(
            user=user, kind="mention",
            title=f"{actor.display_name} mentioned you: {activity.subject or activity.get_kind_display()}",
            body=activity.body[:1000], url=url, dedupe_key=f"mention:{activity.pk}",
        )  # fmt: skip


def _sees_any(user: User, people: Sequence[Person], orgs: Sequence[Organization]) -> bool:
    if people and visible_to(Person.objects.filter(pk__in=[p.pk for p in people]), user).exists():
        return True
    return bool(
        orgs and visible_to(Organization.objects.filter(pk__in=[o.pk for o in orgs]), user).exists()
    )


def _activity_url(people: Sequence[Person], orgs: Sequence[Organization]) -> str:
    if people:
        return reverse("people:person_detail", args=[people[0].pk]) + "#timeline"
    if orgs:
        return reverse("people:organization_detail", args=[orgs[0].pk]) + "#timeline"
    return ""


def assigned_task_notification(event: OutboxEvent) -> None:
    if "assignee" not in event.fields:
        return
    actor = _actor(event)
    if actor is None:
        return
    for task in Task.objects.filter(pk__in=event.entity_ids).select_related("assignee"):
        if task.assignee_id == actor.pk:
            continue
        notification_create(
            user=task.assignee, kind="assigned",
            title=f"{actor.display_name} gave you a task: {task.title}",
            body=task.notes[:1000], url=reverse("activities:task_list") + f"#task-{task.pk}",
            dedupe_key=f"assigned:{task.pk}:{task.assignee_id}:{task.version}",
        )  # fmt: skip


def connect() -> None:
    subscribe("activity.logged", logged_activity_mentions, phase="in_transaction")
    subscribe("activity.updated", updated_activity_mentions, phase="in_transaction")
    for name in ("task.created", "task.updated"):
        subscribe(name, assigned_task_notification, phase="in_transaction")
