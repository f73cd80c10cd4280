"""Recording and logging activities, mentions, and the timeline's raw material."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.activities.models import Activity, ActivityLink, Notification
from rapport.activities.services import (
    activity_delete,
    activity_log,
    activity_record,
    activity_update,
)
from rapport.core.errors import NotFound, PermissionDenied, StaleVersion


def test_one_meeting_shows_on_every_person_and_organisation_it_involves(
    workspace: Any, make_person: Any, make_org: Any
) -> None:
    org = make_org(name="Acme")
    people = [make_person(first_name=n) for n in ("Ana", "Bo", "Cy")]

    meeting = activity_record(
        kind="meeting", actor=workspace.rep, subject="Quarterly review",
        people=people, organizations=[org], duration_minutes=45,
    )  # fmt: skip

    linked = ActivityLink.objects.filter(activity=meeting)
    assert {link.person_id for link in linked if link.person_id} == {p.pk for p in people}
    assert [link.organization_id for link in linked if link.organization_id] == [org.pk]
    assert all(link.occurred_at == meeting.occurred_at for link in linked)


def test_recording_the_same_email_twice_is_a_no_op(workspace: Any, make_person: Any) -> None:
    person = make_person()
    first = activity_record(
        kind="email_out", actor=None, subject="Hello", people=[person], source_ref="<m1@x>"
    )
    again = activity_record(
        kind="email_out", actor=None, subject="Hello again", people=[person], source_ref="<m1@x>"
    )

    assert again.pk == first.pk
    assert Activity.objects.count() == 1
    assert ActivityLink.objects.count() == 1


def test_a_note_mentioning_a_colleague_notifies_them_once(workspace: Any, make_person: Any) -> None:
    person = make_person()

    note = activity_log(
        actor=workspace.rep, kind="note",
        data={"body": "Ask @Rita and @sam about the **renewal**; cc ana@example.com", "people": [person.pk]},
    )  # fmt: skip
    activity_update(actor=workspace.rep, activity=note, data={"body": note.body + " again @rita"})

    # rita (same team) can see the person and is notified once; sam (South) cannot see it
    assert list(Notification.objects.values_list("user__username", "kind")) == [("rita", "mention")]


def test_a_user_name_in_a_link_or_code_notifies_nobody(workspace: Any, make_person: Any) -> None:
    person = make_person()

    activity_log(
        actor=workspace.rep, kind="note",
        data={"body": "See [the page](https://example.com/@rita/x) and `@rita`", "people": [person.pk]},
    )  # fmt: skip

    assert not Notification.objects.exists()


def test_logging_on_a_record_you_cannot_see_is_refused(workspace: Any, make_person: Any) -> None:
    person = make_person(actor=workspace.other_rep)

    with pytest.raises(NotFound):
        activity_log(actor=workspace.rep, kind="call", data={"subject": "x", "people": [person.pk]})
    with pytest.raises(PermissionDenied):
        activity_log(actor=workspace.viewer, kind="note", data={"body": "x", "people": [person.pk]})


def test_only_the_author_their_manager_or_an_admin_change_a_note(
    workspace: Any, make_person: Any
) -> None:
    person = make_person()
    note = activity_log(
        actor=workspace.rep, kind="note", data={"body": "v1", "people": [person.pk]}
    )

    with pytest.raises(PermissionDenied):
        activity_update(actor=workspace.rep2, activity=note, data={"body": "hijack"})
    changed = activity_update(
        actor=workspace.manager, activity=note, data={"body": "v2"}, expected_version=1
    )
    assert changed.body == "v2" and changed.version == 2
    with pytest.raises(StaleVersion):
        activity_update(actor=workspace.rep, activity=note, data={"body": "v3"}, expected_version=1)
    activity_delete(actor=workspace.admin, activity=changed)
    assert not Activity.objects.exists()


def test_recorded_emails_cannot_be_edited_by_users(workspace: Any, make_person: Any) -> None:
    email = activity_record(
        kind="email_in", actor=workspace.rep, subject="Re: quote", people=[make_person()]
    )
    with pytest.raises(PermissionDenied):
        activity_update(actor=workspace.admin, activity=email, data={"subject": "forged"})


def test_merging_people_moves_their_history_without_duplicates(
    workspace: Any, make_person: Any
) -> None:
    from rapport.activities.task_services import task_create
    from rapport.dedupe.merge.services import person_merge

    # Given a meeting with both people, a call and a task with the duplicate only
    keep, dup = make_person(first_name="Ana"), make_person(first_name="Anna")
    both = activity_record(kind="meeting", actor=workspace.rep, subject="Both", people=[keep, dup])
    activity_record(kind="call", actor=workspace.rep, subject="Dup only", people=[dup])
    task = task_create(actor=workspace.rep, data={"title": "T", "people": [dup.pk]})

    # When the duplicate is merged into the person kept
    person_merge(survivor=keep, duplicate=dup, field_choices={}, merged_by=workspace.admin)

    # Then the survivor's timeline holds both activities once each, and the task
    assert ActivityLink.objects.filter(person=dup).count() == 0
    assert ActivityLink.objects.filter(person=keep).count() == 2
    assert ActivityLink.objects.filter(activity=both).count() == 1
    assert list(task.people.all()) == [keep]


def test_demo_history_seeds_fast_with_believable_tasks(workspace: Any, make_person: Any) -> None:
    import io
    import random

    from rapport.activities.demo import seed_demo
    from rapport.activities.models import Task

    for i in range(5):
        make_person(first_name=f"P{i}")
    out = io.StringIO()
    seed_demo(rng=random.Random(1), people=5, stdout=out)

    assert Activity.objects.count() >= 5 and ActivityLink.objects.count() >= 5
    # five open tasks for each user who may write, two of them overdue
    writers = 5  # alice, mona, rick, rita, sam
    assert Task.objects.count() == 5 * writers
    assert "Demo activities" in out.getvalue()
