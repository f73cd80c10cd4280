"""Writes for activities: recording what happened, and notes, calls and meetings people log.

``activity_record`` is the entry point for other apps (e-mail, campaigns): it trusts
its caller and is idempotent on ``source_ref``. ``activity_log``, ``activity_update``
and ``activity_delete`` are what a user does through a page or the API, so they
check that the user may see the records and change the activity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.accounts.access import require_writer, visible_to
from rapport.accounts.access_activities import require_activity_change
from rapport.accounts.models import User
from rapport.activities.models import HAND_LOGGED, Activity, ActivityKind, ActivityLink
from rapport.core.errors import NotFound, ValidationFailed
from rapport.core.events import emit
from rapport.core.locking import lock_at_version, save_with_version
from rapport.core.params import id_or_none
from rapport.core.text import strip_nul, strip_nul_deep
from rapport.people.models import Organization, Person

MAX_DURATION_MINUTES = 24 * 60


def _unique(records: Sequence[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for record in records:
        seen.setdefault(record.pk, record)
    return list(seen.values())


def _write_links(
    activity: Activity, people: Sequence[Person], orgs: Sequence[Organization]
) -> None:
    ActivityLink.objects.bulk_create(
        [
            ActivityLink(activity=activity, person=p, occurred_at=activity.occurred_at, kind=activity.kind)
            for p in _unique(people)
        ]
        + [
            ActivityLink(activity=activity, organization=o, occurred_at=activity.occurred_at, kind=activity.kind)
            for o in _unique(orgs)
        ]
    )  # fmt: skip


@transaction.atomic
def activity_record(
    *,
    kind: str,
    actor: User | None,
    subject: str,
    body: str = "",
    occurred_at: datetime | None = None,
    people: Sequence[Person] = (),
    organizations: Sequence[Organization] = (),
    metadata: dict[str, Any] | None = None,
    source_ref: str | None = None,
    duration_minutes: int | None = None,
    outcome: str = "",
) -> Activity:
    """Put an activity on the timelines of ``people`` and ``organizations``.

    With a ``source_ref`` that was recorded before, returns that activity unchanged:
    recording the same e-mail twice is a no-op.
    """
    if kind not in ActivityKind.values:
        raise ValidationFailed({"kind": [f"Kind must be one of {', '.join(ActivityKind.values)}."]})
    source_ref = strip_nul(source_ref or "") or None
    if source_ref:
        existing = Activity.objects.filter(source_ref=source_ref).first()
        if existing is not None:
            return existing
    # Mail and other machine sources land here as well as forms: no NUL reaches the database.
    activity = Activity(
        kind=kind, actor=actor, subject=strip_nul(subject).strip()[:300], body=strip_nul(body),
        occurred_at=occurred_at or timezone.now(), metadata=strip_nul_deep(dict(metadata or {})),
        source_ref=source_ref, duration_minutes=duration_minutes, outcome=strip_nul(outcome)[:100],
    )  # fmt: skip
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        # Another process recorded the same source_ref between our check and insert.
        return Activity.objects.get(source_ref=source_ref)
    _write_links(activity, people, organizations)
    if kind in HAND_LOGGED:  # e-mails on the timeline are announced by the e-mail events
        # The mention notifications follow (activities' subscriber).
        emit("activity.logged", entity_type="activity", entity_ids=[activity.pk], actor=actor)
    return activity


def visible_records(
    user: User, person_ids: Sequence[int], org_ids: Sequence[int]
) -> tuple[list[Person], list[Organization]]:
    """The records named, each of which the user must be able to see.

    Naming a record one may not see is answered as asking for it would be: not found.
    """
    # An id no row can have (not a number, or past 2⁶³) is simply not found.
    valid_people = {i for i in map(id_or_none, person_ids) if i is not None}
    valid_orgs = {i for i in map(id_or_none, org_ids) if i is not None}
    people = list(visible_to(Person.objects.filter(pk__in=valid_people), user))
    orgs = list(visible_to(Organization.objects.filter(pk__in=valid_orgs), user))
    if len(people) != len(set(person_ids)):
        raise NotFound("One of these people does not exist, or you may not see them.")
    if len(orgs) != len(set(org_ids)):
        raise NotFound("One of these organisations does not exist, or you may not see it.")
    if not people and not orgs:
        raise ValidationFailed({"people": ["Link it to at least one person or organisation."]})
    return people, orgs


def _clean(data: Mapping[str, Any], *, partial: bool, kind: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "subject" in data:
        out["subject"] = str(data["subject"] or "").strip()[:300]
    if "body" in data:
        out["body"] = str(data["body"] or "").strip()
    if not partial and kind == ActivityKind.NOTE and not out.get("body"):
        errors["body"] = ["Write something in the note."]
    if not partial and kind != ActivityKind.NOTE and not out.get("subject"):
        errors["subject"] = ["Say what the call or meeting was about."]
    if "occurred_at" in data and data["occurred_at"] is not None:
        when = data["occurred_at"]
        if not isinstance(when, datetime):
            errors["occurred_at"] = ["Give a date and time."]
        else:
            out["occurred_at"] = when if timezone.is_aware(when) else timezone.make_aware(when)
    if "duration_minutes" in data:
        minutes = data["duration_minutes"]
        if minutes is not None and (
            not isinstance(minutes, int) or not 0 <= minutes <= MAX_DURATION_MINUTES
        ):
            errors["duration_minutes"] = [
                f"Give a whole number of minutes from 0 to {MAX_DURATION_MINUTES}."
            ]
        out["duration_minutes"] = minutes
    if "outcome" in data:
        out["outcome"] = str(data["outcome"] or "").strip()[:100]
    if errors:
        raise ValidationFailed(errors)
    return out


def activity_log(*, actor: User, kind: str, data: Mapping[str, Any]) -> Activity:
    """A note, call or meeting a user logs on records they may see.

    ``data``: subject, body, occurred_at, duration_minutes, outcome, people (ids),
    organizations (ids).
    """
    require_writer(actor)
    if kind not in HAND_LOGGED:
        raise ValidationFailed({"kind": ["You can log a note, a call or a meeting."]})
    clean = _clean(data, partial=False, kind=kind)
    people, orgs = visible_records(
        actor, list(data.get("people") or []), list(data.get("organizations") or [])
    )
    return activity_record(kind=kind, actor=actor, people=people, organizations=orgs,
                           subject=clean.get("subject", ""), body=clean.get("body", ""),
                           occurred_at=clean.get("occurred_at"), outcome=clean.get("outcome", ""),
                           duration_minutes=clean.get("duration_minutes"))  # fmt: skip


def _locked(actor: User, activity: Activity, expected_version: int | None) -> Activity:
    return lock_at_version(
        Activity, activity.pk, expected_version, stale="This activity changed since you loaded it.",
        check=lambda locked: require_activity_change(actor, locked),
    )  # fmt: skip


@transaction.atomic
def activity_update(
    *, actor: User, activity: Activity, data: Mapping[str, Any], expected_version: int | None = None
) -> Activity:
    locked = _locked(actor, activity, expected_version)
    before = {field: getattr(locked, field) for field in ("subject", "body")}
    clean = _clean(data, partial=True, kind=locked.kind)
    if "body" in clean and locked.kind == ActivityKind.NOTE and not clean["body"]:
        raise ValidationFailed({"body": ["A note cannot be empty."]})
    for field, value in clean.items():
        setattr(locked, field, value)
    save_with_version(locked, clean)
    if "occurred_at" in clean:
        ActivityLink.objects.filter(activity=locked).update(occurred_at=locked.occurred_at)
    # Who the text newly mentions is notified by activities' subscriber, which compares
    # the text before and after (the changes, held in memory for in-transaction subscribers).
    emit("activity.updated", entity_type="activity", entity_ids=[locked.pk], actor=actor,
         fields=clean, changes={field: [old, getattr(locked, field)] for field, old in before.items()})  # fmt: skip
    return locked


@transaction.atomic
def activity_delete(
    *, actor: User, activity: Activity, expected_version: int | None = None
) -> None:
    locked = _locked(actor, activity, expected_version)
    locked.delete()
