"""Writes for in-app notifications and each user's preferences."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from rapport.accounts.models import User
from rapport.activities.bell import forget_unread
from rapport.activities.models import Notification, UserPreference


def preference_for(user: User) -> UserPreference:
    preference, _ = UserPreference.objects.get_or_create(user=user)
    return preference


def preference_update(
    *, user: User, email_reminders: bool | None = None, email_mentions: bool | None = None
) -> UserPreference:
    preference = preference_for(user)
    if email_reminders is not None:
        preference.email_reminders = email_reminders
    if email_mentions is not None:
        preference.email_mentions = email_mentions
    preference.save(update_fields=["email_reminders", "email_mentions"])
    return preference


def calendar_feed_rotate(*, user: User) -> UserPreference:
    """Turn the calendar feed on with a new secret URL; the previous URL stops working."""
    preference = preference_for(user)
    preference.calendar_salt = secrets.token_urlsafe(32)
    preference.save(update_fields=["calendar_salt"])
    return preference


def calendar_feed_disable(*, user: User) -> UserPreference:
    preference = preference_for(user)
    preference.calendar_salt = ""
    preference.save(update_fields=["calendar_salt"])
    return preference


def notification_create(
    *,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> Notification | None:
    """Notify ``user``; with a ``dedupe_key`` already used for them, do nothing and return None.

    The unique (user, dedupe_key) constraint makes this safe when two workers race.
    """
    if not user.is_active:
        return None
    if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title[:300], body=body, url=url[:500],
                dedupe_key=dedupe_key,
            )  # fmt: skip
    except IntegrityError:
        return None
    forget_unread(user.pk)
    _email_if_wanted(notification)
    return notification


def _email_if_wanted(notification: Notification) -> None:
    preference = UserPreference.objects.filter(user_id=notification.user_id).first()
    if preference is None or not notification.user.email:
        return
    wanted = (
        preference.email_reminders if notification.kind == "reminder" else preference.email_mentions
    )
    if wanted:
        from rapport.activities.tasks import email_notification

        notification_id = notification.pk
        transaction.on_commit(lambda: email_notification(notification_id))


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.user_id != user.pk:  # the selectors never hand out others' notifications
        raise PermissionError("not this user's notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        forget_unread(user.pk)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    unread: QuerySet[Notification] = Notification.objects.filter(user=user, read_at__isnull=True)
    marked = unread.update(read_at=timezone.now())
    forget_unread(user.pk)
    return marked
