"""/activities, /tasks and /notifications as a script uses them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.activities.reminders import fire_due_reminders
from rapport.activities.services import activity_record

JSON = "application/json"


def test_a_script_logs_a_meeting_and_pages_through_a_timeline(
    workspace: Any, api_as: Any, make_person: Any, make_org: Any
) -> None:
    org = make_org()
    person = make_person(organizations=[{"organization_id": org.pk}])
    api = api_as(workspace.rep)
    start = timezone.now() - timedelta(days=10)
    for i in range(5):
        activity_record(kind="call", actor=workspace.rep, subject=f"Call {i}", people=[person],
                        occurred_at=start + timedelta(days=i))  # fmt: skip

    created = api.post("/api/v1/activities", {
        "kind": "meeting", "subject": "Tasting", "duration_minutes": 45,
        "people": [person.pk], "organizations": [org.pk],
    }, content_type=JSON)  # fmt: skip
    assert created.status_code == 201, created.content
    assert created["ETag"] == f'"{created.json()["id"]}-1"'
    assert created.json()["people"] == [person.pk] and created.json()["organizations"] == [org.pk]

    first = api.get("/api/v1/activities", {"person": person.pk, "limit": 4}).json()
    assert [a["subject"] for a in first["results"]] == ["Tasting", "Call 4", "Call 3", "Call 2"]
    second = api.get(first["next"]).json()
    assert [a["subject"] for a in second["results"]] == ["Call 1", "Call 0"]
    assert second["next"] is None
    on_org = api.get("/api/v1/activities", {"organization": org.pk}).json()["results"]
    assert [a["subject"] for a in on_org] == ["Tasting"]


def test_activity_changes_honour_if_match_and_authorship(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person()
    api = api_as(workspace.rep)
    note = api.post("/api/v1/activities", {"kind": "note", "body": "v1", "people": [person.pk]},
                    content_type=JSON)  # fmt: skip
    url = f"/api/v1/activities/{note.json()['id']}"

    changed = api.patch(
        url, {"body": "v2 **bold**"}, content_type=JSON, headers={"If-Match": note["ETag"]}
    )
    assert (
        changed.status_code == 200
        and changed.json()["body_html"] == "<p>v2 <strong>bold</strong></p>"
    )
    stale = api.patch(url, {"body": "v3"}, content_type=JSON, headers={"If-Match": note["ETag"]})
    assert stale.status_code == 412
    assert api.get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 304
    assert api_as(workspace.rep2).patch(url, {"body": "x"}, content_type=JSON).status_code == 403
    assert api_as(workspace.other_rep).get(url).status_code == 404
    assert api.delete(url).status_code == 204


def test_bad_activity_input_is_a_422_per_field(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    api = api_as(workspace.rep)
    response = api.post("/api/v1/activities", {"kind": "call", "people": [make_person().pk]},
                        content_type=JSON)  # fmt: skip
    assert response.status_code == 422
    assert "subject" in response.json()["detail"]
    wrong_kind = api.post(
        "/api/v1/activities", {"kind": "email_out", "subject": "x"}, content_type=JSON
    )
    assert wrong_kind.status_code == 422


def test_tasks_crud_complete_and_snooze(workspace: Any, api_as: Any, make_person: Any) -> None:
    person = make_person()
    api = api_as(workspace.rep)
    due = (timezone.now() + timedelta(days=1)).isoformat()
    created = api.post("/api/v1/tasks", {
        "title": "Weekly check-in", "due_at": due, "recurrence": "weekly", "people": [person.pk],
        "assignee": workspace.rep2.pk,
    }, content_type=JSON)  # fmt: skip
    assert created.status_code == 201, created.content
    task = created.json()
    assert task["assignee_id"] == workspace.rep2.pk and task["people"] == [person.pk]

    done = api_as(workspace.rep2).post(f"/api/v1/tasks/{task['id']}/complete")
    assert done.status_code == 200 and done.json()["status"] == "done"
    tasks = api_as(workspace.rep2).get("/api/v1/tasks", {"assignee": "me", "status": "open"}).json()
    assert [t["title"] for t in tasks["results"]] == ["Weekly check-in"]
    follow = tasks["results"][0]
    assert follow["due_at"] > task["due_at"]

    until = (timezone.now() + timedelta(hours=3)).isoformat()
    snoozed = api_as(workspace.manager).post(f"/api/v1/tasks/{follow['id']}/snooze", {"until": until},
                                             content_type=JSON)  # fmt: skip
    assert snoozed.status_code == 200 and snoozed.json()["snoozed_until"] is not None
    # rick set the first task but is not the assignee any more: he sees it, cannot change it
    assert (
        api.patch(f"/api/v1/tasks/{task['id']}", {"title": "x"}, content_type=JSON).status_code
        == 403
    )
    assert api_as(workspace.other_rep).get(f"/api/v1/tasks/{follow['id']}").status_code == 404


def test_reps_may_not_assign_tasks_outside_their_teams(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.rep).post(
        "/api/v1/tasks", {"title": "For sam", "assignee": workspace.other_rep.pk}, content_type=JSON
    )
    assert response.status_code == 422 and "assignee" in response.json()["detail"]


def test_notifications_list_and_mark_read(workspace: Any, api_as: Any) -> None:
    api = api_as(workspace.rep)
    for title in ("One", "Two"):
        api.post(
            "/api/v1/tasks",
            {"title": title, "due_at": timezone.now().isoformat()},
            content_type=JSON,
        )
    fire_due_reminders()

    unread = api.get("/api/v1/notifications", {"unread": True}).json()["results"]
    assert len(unread) == 2 and unread[0]["title"].startswith("Reminder:")
    assert api.post(f"/api/v1/notifications/{unread[0]['id']}/read").json()["read_at"] is not None
    assert api.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    assert (
        api_as(workspace.rep2).post(f"/api/v1/notifications/{unread[1]['id']}/read").status_code
        == 404
    )
