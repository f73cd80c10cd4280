"""/me, /users and /teams: read-only views of the workspace's people and teams."""

from __future__ import annotations

from typing import Any

from django.test import Client

JSON = "application/json"


def test_me_describes_the_caller(workspace: Any, api_as: Any) -> None:
    body = api_as(workspace.rep).get("/api/v1/me").json()
    assert body["id"] == workspace.rep.pk
    assert body["username"] == "rick"
    assert body["role"] == "rep"
    assert body["email"] == "rick@example.com"
    assert body["teams"] == [{"id": workspace.north.pk, "name": "North"}]
    assert body["can_write"] is True
    assert body["is_admin"] is False
    assert body["workspace_visibility"] == "team"


def test_me_tells_a_viewer_they_are_read_only(workspace: Any, api_as: Any) -> None:
    body = api_as(workspace.viewer).get("/api/v1/me").json()
    assert body["role"] == "viewer"
    assert body["can_write"] is False


def test_users_lists_everyone_without_their_email(workspace: Any, api_as: Any) -> None:
    response = api_as(workspace.viewer).get("/api/v1/users")
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [u["username"] for u in body["results"]] == [
        "alice",
        "mona",
        "rick",
        "rita",
        "sam",
        "vic",
    ]
    sam = next(u for u in body["results"] if u["username"] == "sam")
    assert sam == {"id": workspace.other_rep.pk, "username": "sam", "name": "sam", "role": "rep",
                   "is_active": True, "teams": [{"id": workspace.south.pk, "name": "South"}]}  # fmt: skip
    assert "email" not in sam


def test_one_user_and_an_unknown_one(workspace: Any, api_as: Any) -> None:
    client = api_as(workspace.rep)
    mona = client.get(f"/api/v1/users/{workspace.manager.pk}")
    assert mona.status_code == 200
    assert mona.json()["role"] == "manager"
    assert client.get("/api/v1/users/999999").status_code == 404


def test_teams_list_their_members(workspace: Any, api_as: Any) -> None:
    client = api_as(workspace.rep)
    teams = client.get("/api/v1/teams").json()["results"]
    assert [t["name"] for t in teams] == ["North", "South"]
    north = next(t for t in teams if t["name"] == "North")
    expected = sorted(
        u.pk for u in (workspace.manager, workspace.rep, workspace.rep2, workspace.viewer)
    )
    assert north["member_ids"] == expected
    one = client.get(f"/api/v1/teams/{workspace.south.pk}").json()
    assert one["member_ids"] == [workspace.other_rep.pk]
    assert client.get("/api/v1/teams/999999").status_code == 404


def test_users_and_teams_are_read_only(workspace: Any, api_as: Any) -> None:
    client = api_as(workspace.admin)
    assert client.post("/api/v1/users", {"username": "x"}, content_type=JSON).status_code == 405
    assert client.delete(f"/api/v1/teams/{workspace.north.pk}").status_code == 405


def test_users_and_teams_need_authentication(workspace: Any) -> None:
    for path in ("/api/v1/me", "/api/v1/users", "/api/v1/teams"):
        assert Client().get(path).status_code == 401
