"""Signing in and out, changing a password, and the admin settings pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.accounts.models import Team, User, WorkspaceSettings

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Any) -> None:
    # The manifest storage needs `collectstatic`; tests render pages without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def text(response: Any) -> str:
    return str(response.content.decode())


def test_signing_in_lands_on_the_people_list(client: Client, workspace: Any) -> None:
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200 and 'name="username"' in text(page)

    response = client.post(reverse("accounts:login"), {"username": "rick", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("people:person_list")
    assert "rick" in text(client.get(response["Location"]))


def test_a_wrong_password_is_refused_with_a_message(client: Client, workspace: Any) -> None:
    response = client.post(reverse("accounts:login"), {"username": "rick", "password": "nope"})

    assert response.status_code == 200
    assert "correct username and password" in text(response)


def test_signing_in_returns_to_the_page_asked_for(client: Client, workspace: Any) -> None:
    wanted = reverse("people:organization_list")

    response = client.post(reverse("accounts:login") + f"?next={wanted}", {
        "username": "rick", "password": PASSWORD, "next": wanted,
    })  # fmt: skip

    assert response["Location"] == wanted


def test_ten_failures_from_one_address_pause_signing_in(client: Client, workspace: Any) -> None:
    # (tests/rapport/accounts/test_login_protection.py has the rest: proxies, slow-down)
    for n in range(10):
        client.post(reverse("accounts:login"), {"username": f"user{n}", "password": "wrong"})

    response = client.post(reverse("accounts:login"), {"username": "rick", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-ins" in text(response)
    assert "_auth_user_id" not in client.session


def test_logging_out_needs_a_post(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("people:person_list")).status_code == 302


def test_changing_the_password(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    url = reverse("accounts:password_change")

    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert "too short" in text(weak)

    new = "a much longer passphrase 42"
    done = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("accounts:password_change_done")
    workspace.rep.refresh_from_db()
    assert workspace.rep.check_password(new)


@pytest.mark.parametrize("role", ["manager", "rep", "viewer"])
@pytest.mark.parametrize(
    "url_name",
    ["accounts:user_list", "accounts:team_list", "accounts:workspace", "people:custom_field_list"],
)
def test_settings_are_for_admins_only(
    client: Client, workspace: Any, role: str, url_name: str
) -> None:
    client.force_login(workspace.by_role()[role])

    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse(url_name), {}).status_code == 403


def test_non_admins_see_no_settings_link(client: Client, workspace: Any) -> None:
    client.force_login(workspace.manager)
    assert reverse("accounts:settings") not in text(client.get(reverse("people:person_list")))
    client.force_login(workspace.admin)
    assert reverse("accounts:settings") in text(client.get(reverse("people:person_list")))


def test_an_admin_adds_a_user_with_a_generated_password(client: Client, workspace: Any) -> None:
    client.force_login(workspace.admin)

    response = client.post(reverse("accounts:user_list"), {
        "username": "nina", "role": "rep", "teams": [workspace.south.pk], "email": "nina@example.com",
    }, follow=True)  # fmt: skip

    nina = User.objects.get(username="nina")
    assert nina.role == "rep" and list(nina.teams.all()) == [workspace.south]
    assert "password (shown once)" in text(response)


def test_adding_a_user_twice_is_explained(client: Client, workspace: Any) -> None:
    client.force_login(workspace.admin)

    response = client.post(reverse("accounts:user_list"), {"username": "RICK", "role": "rep"})

    assert response.status_code == 422
    assert "already exists" in text(response)


def test_an_admin_changes_role_and_teams(client: Client, workspace: Any) -> None:
    client.force_login(workspace.admin)
    url = reverse("accounts:user_edit", args=[workspace.rep.pk])

    assert "rick" in text(client.get(url))
    client.post(url, {"role": "manager", "teams": [workspace.north.pk, workspace.south.pk]})

    rick = User.objects.get(pk=workspace.rep.pk)
    assert rick.role == "manager"
    assert set(rick.teams.values_list("name", flat=True)) == {"North", "South"}


def test_an_admin_deactivates_and_reactivates_a_user_but_not_themselves(
    client: Client, workspace: Any
) -> None:
    client.force_login(workspace.admin)

    client.post(reverse("accounts:user_active", args=[workspace.rep.pk]), {"active": "0"})
    assert not User.objects.get(pk=workspace.rep.pk).is_active
    refused = Client().post(reverse("accounts:login"), {"username": "rick", "password": PASSWORD})
    assert refused.status_code == 200 and "correct username and password" in text(refused)

    client.post(reverse("accounts:user_active", args=[workspace.rep.pk]), {"active": "1"})
    assert User.objects.get(pk=workspace.rep.pk).is_active

    response = client.post(
        reverse("accounts:user_active", args=[workspace.admin.pk]), {"active": "0"}, follow=True
    )
    assert "cannot deactivate your own account" in text(response)
    assert User.objects.get(pk=workspace.admin.pk).is_active


def test_an_admin_adds_a_team(client: Client, workspace: Any) -> None:
    client.force_login(workspace.admin)

    client.post(reverse("accounts:team_list"), {"name": "West"})

    assert Team.objects.filter(name="West").exists()
    assert "West" in text(client.get(reverse("accounts:team_list")))


def test_an_admin_sets_the_visibility(client: Client, workspace: Any) -> None:
    client.force_login(workspace.admin)

    client.post(reverse("accounts:workspace"), {"visibility": "private"})
    assert WorkspaceSettings.current().visibility == "private"

    bad = client.post(reverse("accounts:workspace"), {"visibility": "public"})
    assert bad.status_code == 422


def test_error_pages_use_the_layout(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)

    missing = client.get("/people/999999/")
    forbidden = client.get(reverse("accounts:user_list"))

    assert (
        missing.status_code == 404
        and "Not found" in text(missing)
        and 'class="topbar"' in text(missing)
    )
    assert forbidden.status_code == 403 and "Only an admin" in text(forbidden)
