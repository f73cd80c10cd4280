"""ETags and conditional requests: two editors cannot silently overwrite each other."""

from __future__ import annotations

from typing import Any

from rapport.people.models import Organization, Person

JSON = "application/json"


def test_reading_a_record_sends_its_etag(workspace: Any, api_as: Any, make_person: Any) -> None:
    person = make_person()
    response = api_as(workspace.rep).get(f"/api/v1/people/{person.pk}")
    assert response["ETag"] == f'"{person.pk}-1"'


def test_if_none_match_with_the_current_etag_is_304(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person()
    client = api_as(workspace.rep)
    etag = client.get(f"/api/v1/people/{person.pk}")["ETag"]
    # when the client asks again with the tag it holds
    response = client.get(f"/api/v1/people/{person.pk}", headers={"If-None-Match": etag})
    # then nothing is sent again
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_none_match_after_a_change_sends_the_new_version(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person()
    client = api_as(workspace.rep)
    old = client.get(f"/api/v1/people/{person.pk}")["ETag"]
    client.patch(f"/api/v1/people/{person.pk}", {"title": "CTO"}, content_type=JSON)
    response = client.get(f"/api/v1/people/{person.pk}", headers={"If-None-Match": old})
    assert response.status_code == 200
    assert response.json()["title"] == "CTO"
    assert response["ETag"] == f'"{person.pk}-2"'


def test_a_write_with_the_current_etag_succeeds(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    person = make_person()
    client = api_as(workspace.rep)
    etag = client.get(f"/api/v1/people/{person.pk}")["ETag"]
    response = client.patch(
        f"/api/v1/people/{person.pk}",
        {"title": "CTO"},
        content_type=JSON,
        headers={"If-Match": etag},
    )
    assert response.status_code == 200
    assert response["ETag"] == f'"{person.pk}-2"'


def test_a_write_with_a_stale_etag_is_412_and_changes_nothing(
    workspace: Any, api_as: Any, make_person: Any
) -> None:
    # given rick and rita both loaded the same person
    person = make_person()
    rick, rita = api_as(workspace.rep), api_as(workspace.rep2)
    ricks_tag = rick.get(f"/api/v1/people/{person.pk}")["ETag"]
    ritas_tag = rita.get(f"/api/v1/people/{person.pk}")["ETag"]
    # when rita saves first
    saved = rita.patch(
        f"/api/v1/people/{person.pk}",
        {"title": "CEO"},
        content_type=JSON,
        headers={"If-Match": ritas_tag},
    )
    assert saved.status_code == 200
    # then rick's save, based on the old version, is refused
    stale = rick.patch(
        f"/api/v1/people/{person.pk}",
        {"title": "CTO"},
        content_type=JSON,
        headers={"If-Match": ricks_tag},
    )
    assert stale.status_code == 412
    assert "changed" in stale.json()["detail"]
    assert Person.objects.get(pk=person.pk).title == "CEO"
    # and a stale delete is refused too
    gone = rick.delete(f"/api/v1/people/{person.pk}", headers={"If-Match": ricks_tag})
    assert gone.status_code == 412
    assert Person.objects.get(pk=person.pk).deleted_at is None


def test_if_match_is_optional(workspace: Any, api_as: Any, make_person: Any) -> None:
    person = make_person()
    response = api_as(workspace.rep).patch(
        f"/api/v1/people/{person.pk}", {"title": "CTO"}, content_type=JSON
    )
    assert response.status_code == 200


def test_weak_and_wildcard_tags_are_accepted(workspace: Any, api_as: Any, make_org: Any) -> None:
    org = make_org()
    client = api_as(workspace.rep)
    weak = client.patch(f"/api/v1/organizations/{org.pk}", {"industry": "Food"}, content_type=JSON,
                        headers={"If-Match": f'W/"{org.pk}-1"'})  # fmt: skip
    assert weak.status_code == 200
    anything = client.patch(f"/api/v1/organizations/{org.pk}", {"industry": "Tea"}, content_type=JSON,
                            headers={"If-Match": "*"})  # fmt: skip
    assert anything.status_code == 200
    assert Organization.objects.get(pk=org.pk).version == 3


def test_organisations_use_etags_too(workspace: Any, api_as: Any, make_org: Any) -> None:
    org = make_org()
    client = api_as(workspace.rep)
    etag = client.get(f"/api/v1/organizations/{org.pk}")["ETag"]
    assert (
        client.get(f"/api/v1/organizations/{org.pk}", headers={"If-None-Match": etag}).status_code
        == 304
    )
    client.patch(f"/api/v1/organizations/{org.pk}", {"industry": "Food"}, content_type=JSON)
    stale = client.patch(f"/api/v1/organizations/{org.pk}", {"industry": "Tea"}, content_type=JSON,
                         headers={"If-Match": etag})  # fmt: skip
    assert stale.status_code == 412
    assert Organization.objects.get(pk=org.pk).industry == "Food"
