"""GET /api/v1/events: the outbox for integrations, cursor-paginated, filtered by what the
caller may see."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from rapport.core.events import emit
from rapport.people.services import organization_update, person_update


def _get(client: Any, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/events{query}")
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_a_caller_sees_only_events_of_records_they_may_see(
    workspace: Any, api_as: Any, make_person: Any, make_org: Any
) -> None:
    # Given rick's (North) person and organisation, and sam's (South) person
    ana = make_person()
    acme = make_org(name="Acme")
    bob = make_person(actor=workspace.other_rep, first_name="Bob")
    person_update(actor=workspace.rep, person=ana, data={"last_name": "Lima"})
    # Then rick's team-mates see rick's events, not sam's; sam sees only his own
    for user in (workspace.rep, workspace.manager, workspace.viewer):
        rows = _get(api_as(user))["results"]
        assert [(r["name"], r["entity_ids"]) for r in rows] == [
            ("person.created", [ana.pk]), ("organization.created", [acme.pk]),
            ("person.updated", [ana.pk]),
        ]  # fmt: skip
    rows = _get(api_as(workspace.other_rep))["results"]
    assert [(r["name"], r["entity_ids"]) for r in rows] == [("person.created", [bob.pk])]
    # And the admin sees everything, with the fields that changed and who did it
    rows = _get(api_as(workspace.admin))["results"]
    assert len(rows) == 4
    assert rows[-1]["fields"] == ["last_name"] and rows[-1]["actor_id"] == workspace.rep.pk


def test_a_bulk_event_shows_only_the_visible_ids(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    ana = make_person()
    bob = make_person(actor=workspace.other_rep, first_name="Bob")
    with transaction.atomic():
        emit("person.imported", entity_type="person", entity_ids=[ana.pk, bob.pk])
    rows = _get(api_as(workspace.rep), "?name=person.imported")["results"]
    assert [r["entity_ids"] for r in rows] == [[ana.pk]]
    rows = _get(api_as(workspace.other_rep), "?name=person.imported")["results"]
    assert [r["entity_ids"] for r in rows] == [[bob.pk]]


def test_filters_by_name_and_record_and_pages_with_a_cursor(
    workspace: Any, api_as: Any, make_person: Any, make_org: Any
) -> None:
    ana, bea = make_person(), make_person(first_name="Bea")
    acme = make_org(name="Acme")
    for name in ("Acme 2", "Acme 3"):
        organization_update(actor=workspace.rep, organization=acme, data={"name": name})
    person_update(actor=workspace.rep, person=bea, data={"last_name": "Lima"})
    client = api_as(workspace.rep)
    # By name
    rows = _get(client, "?name=organization.updated")["results"]
    assert [r["entity_ids"] for r in rows] == [[acme.pk], [acme.pk]]
    # By record: only bea's, in order
    rows = _get(client, f"?entity_type=person&entity_id={bea.pk}")["results"]
    assert [r["name"] for r in rows] == ["person.created", "person.updated"]
    assert all(r["entity_ids"] == [bea.pk] for r in rows)
    assert _get(client, f"?entity_type=person&entity_id={acme.pk + 10_000}")["results"] == []
    # Cursor: two at a time, following next, until it is null; then after=<last id> is empty
    seen: list[int] = []
    page = _get(client, "?limit=2")
    while True:
        seen += [r["id"] for r in page["results"]]
        assert len(page["results"]) <= 2
        if page["next"] is None:
            break
        page = _get(client, page["next"].split("/api/v1/events", 1)[1])
    assert seen == sorted(seen) and len(seen) == 6
    assert _get(client, f"?after={seen[-1]}") == {"results": [], "next": None}
    assert [r["id"] for r in _get(client, f"?after={seen[2]}")["results"]] == seen[3:]
    assert ana.pk in _get(client, "?entity_type=person&limit=1")["results"][0]["entity_ids"]


def test_pages_move_past_events_the_caller_may_not_see(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    hidden = [make_person(actor=workspace.other_rep, first_name=f"H{i}") for i in range(5)]
    ana = make_person()
    page = _get(api_as(workspace.rep), "?limit=2")
    assert [r["entity_ids"] for r in page["results"]] == [[ana.pk]]
    assert page["next"] is None
    assert len(_get(api_as(workspace.other_rep), "?limit=10")["results"]) == len(hidden)


def test_bad_parameters_are_a_clear_4xx(workspace: Any, api_as: Any, client: Any) -> None:
    api = api_as(workspace.rep)
    for query in ("?limit=0", "?limit=201", "?after=-1", "?after=abc"):
        response = api.get(f"/api/v1/events{query}")
        assert response.status_code == 422 and "detail" in response.json(), query
    response = api.get("/api/v1/events?entity_id=3")
    assert response.status_code == 400 and "entity_type" in response.json()["detail"]
    assert client.get("/api/v1/events").status_code == 401
