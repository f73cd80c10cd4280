"""The timeline panel, the task pages and the notifications, as users of each role see them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.activities.models import Activity, Notification, Task
from rapport.activities.reminders import fire_due_reminders
from rapport.activities.services import activity_log, activity_record
from rapport.activities.task_services import task_create
from rapport.people.services import person_update

HX = {"HX-Request": "true"}


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def test_the_person_page_loads_the_timeline_panel(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    page = text(
        signed_in(client, workspace.rep).get(reverse("people:person_detail", args=[person.pk]))
    )
    assert reverse("activities:person_timeline", args=[person.pk]) in page
    assert 'class="bell"' in page and "Tasks" in page


def test_the_timeline_merges_activities_tasks_and_changes_newest_first(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    now = timezone.now()
    activity_record(kind="call", actor=workspace.rep, subject="Old call", people=[person],
                    occurred_at=now - timedelta(days=3))  # fmt: skip
    activity_log(actor=workspace.rep, kind="note",
                 data={"body": "Likes **pastel** <script>alert(1)</script>", "people": [person.pk]})  # fmt: skip
    task_create(actor=workspace.rep, data={"title": "Send the quote", "people": [person.pk]})
    person_update(actor=workspace.rep, person=person, data={"title": "Head chef"})

    response = signed_in(client, workspace.rep).get(
        reverse("activities:person_timeline", args=[person.pk]), headers=HX
    )

    page = text(response)
    assert response.status_code == 200
    assert page.index("Changed title") < page.index("Send the quote") < page.index("Old call")
    assert "<strong>pastel</strong>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_timeline_filters_by_type_and_loads_older_items(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    start = timezone.now() - timedelta(days=60)
    for i in range(25):
        activity_record(kind="call", actor=workspace.rep, subject=f"Call {i:02}", people=[person],
                        occurred_at=start + timedelta(days=i))  # fmt: skip
    activity_record(kind="note", actor=workspace.rep, subject="A note", people=[person])
    url = reverse("activities:person_timeline", args=[person.pk])
    client = signed_in(client, workspace.rep)

    first = text(client.get(url, {"kind": "call"}, headers=HX))
    assert "A note" not in first and "Call 24" in first and "Call 05" in first
    assert "Call 04" not in first and "Load older" in first

    cursor = first.split("before=")[1].split("&amp;")[0].split('"')[0]
    from urllib.parse import unquote

    more = text(client.get(url, {"kind": "call", "before": unquote(cursor)}, headers=HX))
    assert "Call 04" in more and "Call 00" in more and "Call 05" not in more
    assert "Load older" not in more


def test_logging_a_call_inline_returns_the_refreshed_panel(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    response = signed_in(client, workspace.rep).post(
        reverse("activities:person_log", args=[person.pk]),
        {
            "what": "call",
            "subject": "Discussed delivery",
            "duration_minutes": "12",
            "outcome": "Interested",
        },
        headers=HX,
    )
    assert response.status_code == 200
    assert "Discussed delivery" in text(response) and "12 min · Interested" in text(response)
    assert Activity.objects.get().kind == "call"


def test_an_invalid_inline_form_comes_back_open_with_its_errors(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    response = signed_in(client, workspace.rep).post(
        reverse("activities:person_log", args=[person.pk]),
        {"what": "meeting", "subject": ""},
        headers=HX,
    )
    assert response.status_code == 200
    assert 'id="meeting_subject_errors"' in text(response)
    assert not Activity.objects.exists()


def test_a_viewer_sees_the_timeline_but_cannot_log(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    client = signed_in(client, workspace.viewer)
    page = text(client.get(reverse("activities:person_timeline", args=[person.pk]), headers=HX))
    assert "Add a note" not in page
    response = client.post(
        reverse("activities:person_log", args=[person.pk]), {"what": "note", "body": "x"}
    )
    assert response.status_code == 403


def test_another_teams_rep_cannot_read_the_timeline(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    response = signed_in(client, workspace.other_rep).get(
        reverse("activities:person_timeline", args=[person.pk]), headers=HX
    )
    assert response.status_code == 404


def test_my_tasks_groups_overdue_today_and_upcoming(client: Client, workspace: Any) -> None:
    now = timezone.now()
    task_create(actor=workspace.rep, data={"title": "Late one", "due_at": now - timedelta(days=2)})
    task_create(actor=workspace.rep, data={"title": "Far one", "due_at": now + timedelta(days=9)})
    task_create(actor=workspace.rep, data={"title": "Whenever"})

    page = text(signed_in(client, workspace.rep).get(reverse("activities:task_list")))

    assert (
        page.index("Overdue")
        < page.index("Late one")
        < page.index("Upcoming")
        < page.index("Far one")
    )
    assert page.index("No due date") < page.index("Whenever")


def test_adding_completing_and_snoozing_tasks_from_the_page(client: Client, workspace: Any) -> None:
    client = signed_in(client, workspace.rep)
    response = client.post(reverse("activities:task_list"), {
        "title": "Call back", "due_at": "2030-01-02T09:30", "priority": "high", "recurrence": "none",
        "assignee": str(workspace.rep.pk),
    })  # fmt: skip
    assert response.status_code == 302
    task = Task.objects.get()
    assert timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M") == "2030-01-02 09:30"

    client.post(reverse("activities:task_snooze", args=[task.pk]), {"for": "1d"})
    task.refresh_from_db()
    assert task.snoozed_until is not None and task.remind_at == task.snoozed_until

    client.post(reverse("activities:task_complete", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == "done" and task.remind_at is None


def test_reps_cannot_hand_tasks_to_other_teams(client: Client, workspace: Any) -> None:
    task = task_create(actor=workspace.rep, data={"title": "Mine"})
    client = signed_in(client, workspace.rep)
    client.post(
        reverse("activities:task_reassign", args=[task.pk]), {"assignee": workspace.other_rep.pk}
    )
    task.refresh_from_db()
    assert task.assignee == workspace.rep
    client.post(
        reverse("activities:task_reassign", args=[task.pk]), {"assignee": workspace.rep2.pk}
    )
    task.refresh_from_db()
    assert task.assignee == workspace.rep2


def test_the_team_view_is_for_managers(client: Client, workspace: Any) -> None:
    task_create(actor=workspace.rep, data={"title": "Task for rick"})
    task_create(actor=workspace.other_rep, data={"title": "Task for sam"})

    page = text(signed_in(client, workspace.manager).get(reverse("activities:task_team")))
    assert "Task for rick" in page and "Task for sam" not in page
    assert (
        signed_in(Client(), workspace.rep).get(reverse("activities:task_team")).status_code == 403
    )


def test_a_due_reminder_shows_in_the_bell_and_on_the_notifications_page(
    client: Client, workspace: Any
) -> None:
    task_create(
        actor=workspace.rep,
        data={"title": "Ring Ana", "due_at": timezone.now() - timedelta(minutes=1)},
    )
    fire_due_reminders()
    client = signed_in(client, workspace.rep)

    bell = text(client.get(reverse("activities:bell"), headers=HX))
    assert 'data-unread="1"' in bell
    page = text(client.get(reverse("activities:notification_list")))
    assert "Reminder: Ring Ana" in page

    client.post(reverse("activities:notification_read_all"))
    assert "data-unread" not in text(client.get(reverse("activities:bell"), headers=HX))
    assert Notification.objects.get().read_at is not None


def test_the_calendar_feed_needs_its_secret_and_can_be_rotated(
    client: Client, workspace: Any, make_person: Any
) -> None:
    task_create(actor=workspace.rep, data={"title": "Quote, v2; final", "due_at": timezone.now()})
    activity_log(actor=workspace.rep, kind="meeting",
                 data={"subject": "Tasting", "duration_minutes": 60, "people": [make_person().pk]})  # fmt: skip
    signed = signed_in(client, workspace.rep)
    signed.post(reverse("activities:preferences"), {"calendar": "rotate"})
    page = text(signed.get(reverse("activities:preferences")))
    feed = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]

    anonymous = Client()
    response = anonymous.get(feed)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "SUMMARY:Quote\\, v2\\; final" in body and "BEGIN:VEVENT" in body and "\r\n" in body

    signed.post(reverse("activities:preferences"), {"calendar": "rotate"})
    assert anonymous.get(feed).status_code == 404
    assert anonymous.get(feed.replace(".ics", "0.ics")).status_code == 404


def test_an_entry_form_loads_when_opened_and_only_for_writers(
    client: Client, workspace: Any, make_person: Any
) -> None:
    person = make_person()
    url = reverse("activities:person_timeline", args=[person.pk])

    form = text(signed_in(client, workspace.rep).get(url, {"form": "task"}, headers=HX))
    assert 'name="title"' in form and 'id="task_due_at"' in form and "Add task" in form
    assert (
        signed_in(Client(), workspace.viewer).get(url, {"form": "note"}, headers=HX).status_code
        == 403
    )


def test_pages_show_a_known_unread_count_without_asking_the_database(
    client: Client, workspace: Any
) -> None:
    task_create(
        actor=workspace.rep, data={"title": "Ring", "due_at": timezone.now() - timedelta(minutes=1)}
    )
    fire_due_reminders()
    client = signed_in(client, workspace.rep)

    before = text(client.get(reverse("activities:task_list")))
    assert 'hx-trigger="load, every 45s"' in before and "data-unread" not in before
    client.get(reverse("activities:bell"), headers=HX)  # the bell fetched the count once
    after = text(client.get(reverse("activities:task_list")))
    assert 'hx-trigger="every 45s"' in after and 'data-unread="1"' in after

    client.post(reverse("activities:notification_read_all"))  # a write forgets the count
    assert 'hx-trigger="load, every 45s"' in text(client.get(reverse("activities:task_list")))
