"""Who may call the API: tokens, sessions, and everyone else (401)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rapport.accounts.services import token_create, token_revoke

PEOPLE = "/api/v1/people"


def test_a_valid_token_authenticates_as_its_user(workspace: Any) -> None:
    # given a token belonging to rick
    _, secret = token_create(user=workspace.rep, name="script")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    # when he asks who he is
    response = client.get("/api/v1/me")
    # then the API knows him
    assert response.status_code == 200
    assert response.json()["username"] == "rick"


def test_no_credentials_is_401_with_a_detail(workspace: Any) -> None:
    response = Client().get(PEOPLE)
    assert response.status_code == 401
    assert "detail" in response.json()
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(workspace: Any) -> None:
    client = Client(headers={"Authorization": "Bearer rpt_not-a-real-token"})
    response = client.get(PEOPLE)
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_a_revoked_token_is_401(workspace: Any) -> None:
    # given a token that worked until it was revoked
    token, secret = token_create(user=workspace.rep)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get(PEOPLE).status_code == 200
    token_revoke(token=token)
    # then it no longer opens the API
    assert client.get(PEOPLE).status_code == 401


def test_a_token_of_a_deactivated_user_is_401(workspace: Any) -> None:
    _, secret = token_create(user=workspace.rep)
    workspace.rep.is_active = False
    workspace.rep.save()
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get(PEOPLE)
    assert response.status_code == 401


def test_a_non_bearer_authorization_header_is_401(workspace: Any) -> None:
    client = Client(headers={"Authorization": "Basic cmljazpzZWNyZXQ="})
    assert client.get(PEOPLE).status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(workspace: Any) -> None:
    # given a logged-in browser and a script that sends a wrong token from it
    client = Client(headers={"Authorization": "Bearer rpt_wrong"})
    client.force_login(workspace.rep)
    # then the wrong token wins: 401, not the session's identity
    assert client.get("/api/v1/me").status_code == 401


def test_the_browser_session_authenticates_reads(workspace: Any) -> None:
    client = Client()
    client.force_login(workspace.manager)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "mona"


def test_session_writes_need_the_csrf_token(workspace: Any) -> None:
    # given a logged-in browser whose requests are checked for CSRF like a real one
    client = Client(enforce_csrf_checks=True)
    client.force_login(workspace.rep)
    # when it posts without the CSRF token
    forged = client.post(PEOPLE, {"first_name": "Eve"}, content_type="application/json")
    # then the write is refused and nothing is created
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["detail"]
    assert client.get(PEOPLE).json()["results"] == []
    # when it sends the token from the cookie, as the app's pages do
    client.get("/api/v1/docs")  # any page that renders the token sets the cookie
    csrf = client.cookies["csrftoken"].value
    ok = client.post(PEOPLE, {"first_name": "Eve"}, content_type="application/json",
                     headers={"X-CSRFToken": csrf})  # fmt: skip
    assert ok.status_code == 201


def test_token_writes_need_no_csrf_token(workspace: Any) -> None:
    _, secret = token_create(user=workspace.rep)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    response = client.post(PEOPLE, {"first_name": "Eve"}, content_type="application/json")
    assert response.status_code == 201


def test_writes_without_credentials_are_401_not_a_csrf_error(workspace: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(PEOPLE, {"first_name": "Eve"}, content_type="application/json")
    assert response.status_code == 401
