"""An erased person's notes, calls, e-mails and tasks lose their text; notifications
that quote them are redacted."""

from __future__ import annotations

from django.db.models import F, Q

from rapport.activities.models import Activity, ActivityLink, Notification, Task
from rapport.core.erasure import ERASED_TEXT, ErasedPerson


def erase_activities(erased: ErasedPerson) -> None:
    ids = set(erased.person_ids)
    linked = set(
        ActivityLink.objects.filter(person_id__in=ids).values_list("activity_id", flat=True)
    )
    shared = set(
        ActivityLink.objects.filter(activity_id__in=linked)
        .filter(Q(person__isnull=False) & ~Q(person_id__in=ids))
        .values_list("activity_id", flat=True)
    )
    # Only about them: nothing of the text is kept (the kind and the date stay).
    Activity.objects.filter(pk__in=linked - shared).update(
        subject=ERASED_TEXT, body=ERASED_TEXT, outcome="", metadata={}, version=F("version") + 1
    )
    # About others too, or merely quoting them: their values are cut out of the text.
    for activity in Activity.objects.filter(
        Q(pk__in=shared) | erased.mentioned("subject", "body", "metadata")
    ).exclude(pk__in=linked - shared):
        about = activity.pk in shared
        activity.subject = erased.redact(activity.subject, about_them=about)
        activity.body = erased.redact(activity.body, about_them=about)
        activity.metadata = erased.redact_json(activity.metadata, about_them=about)
        activity.version += 1  # an edit opened before the erasure cannot write the text back
        activity.save(update_fields=["subject", "body", "metadata", "version"])


def erase_tasks(erased: ErasedPerson) -> None:
    about = set(
        Task.people.through.objects.filter(person_id__in=erased.person_ids).values_list(
            "task_id", flat=True
        )
    )
    for task in Task.objects.filter(Q(pk__in=about) | erased.mentioned("title", "notes")):
        task.title = erased.redact(task.title, about_them=task.pk in about) or ERASED_TEXT
        task.notes = erased.redact(task.notes, about_them=task.pk in about)
        task.version += 1
        task.save(update_fields=["title", "notes", "version"])


def erase_notifications(erased: ErasedPerson) -> None:
    """A notification quotes the note or task it points to: redacted like them."""
    pages = Q(pk__in=[])
    for pk in erased.person_ids:
        pages |= Q(url__contains=f"/people/{pk}/")
    for note in Notification.objects.filter(
        pages
        | erased.mentioned("title", "body")
        | erased.mentioned("title", "body", about_them=True)
    ):
        about = erased.redact(note.title + note.body) != note.title + note.body or any(
            f"/people/{pk}/" in note.url for pk in erased.person_ids
        )
        note.title = erased.redact(note.title, about_them=about)
        note.body = erased.redact(note.body, about_them=about)
        note.save(update_fields=["title", "body"])
