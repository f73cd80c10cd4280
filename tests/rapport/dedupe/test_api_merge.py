"""Merging through the API: field choices, If-Match, permissions, undo."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rapport.dedupe.models import MergeRecord
from rapport.people.models import Organization, Person


def _merge(client: Client, survivor: Any, body: dict[str, Any], **headers: str) -> Any:
    kind = "people" if isinstance(survivor, Person) else "organizations"
    return client.post(f"/api/v1/{kind}/{survivor.pk}/merge", body,
                       content_type="application/json", headers=headers)  # fmt: skip


def test_merge_with_field_choices_returns_the_survivor_and_an_undo_link(
    client: Client, workspace: Any, make_person: Any
) -> None:
    # Given Ana Souza twice, the second with another last name spelling and a phone
    ana = make_person(emails=["ana@example.com"])
    twin = make_person(last_name="Sousa", emails=["ana.s@example.com"], phones=["+44 20 7946 0000"])
    client.force_login(workspace.rep)
    # When a script merges the twin into Ana, keeping Ana's last name
    etag = client.get(f"/api/v1/people/{ana.pk}").headers["ETag"]
    response = _merge(client, ana, {"duplicate_id": twin.pk, "fields": {"last_name": "survivor"}},
                      **{"If-Match": etag})  # fmt: skip
    # Then the answer is the survivor, with both e-mails, the phone and a new ETag
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == ana.pk and body["last_name"] == "Souza"
    assert set(body["emails"]) == {"ana@example.com", "ana.s@example.com"}
    assert response.headers["ETag"] != etag
    assert Person.objects.get(pk=twin.pk).is_deleted
    # And the Link header undoes it: the twin is back, on its own
    merge = MergeRecord.objects.get(survivor_id=ana.pk)
    assert f"/api/v1/duplicates/merges/{merge.pk}/undo" in response.headers["Link"]
    undone = client.post(f"/api/v1/duplicates/merges/{merge.pk}/undo")
    assert undone.status_code == 200
    assert undone.json() == {"merge_id": merge.pk, "entity": "person", "survivor_id": ana.pk,
                             "restored_id": twin.pk}  # fmt: skip
    assert not Person.objects.get(pk=twin.pk).is_deleted
    assert client.post(f"/api/v1/duplicates/merges/{merge.pk}/undo").status_code == 409


def test_a_stale_if_match_or_duplicate_version_merges_nothing(
    client: Client, workspace: Any, make_person: Any
) -> None:
    ana, twin = make_person(), make_person()
    client.force_login(workspace.rep)
    stale = _merge(client, ana, {"duplicate_id": twin.pk}, **{"If-Match": f'"{ana.pk}-0"'})
    assert stale.status_code == 412 and "detail" in stale.json()
    old = _merge(client, ana, {"duplicate_id": twin.pk, "duplicate_version": twin.version + 5})
    assert old.status_code == 412
    assert not Person.objects.get(pk=twin.pk).is_deleted and not MergeRecord.objects.exists()


def test_bad_input_is_refused_clearly(client: Client, workspace: Any, make_person: Any) -> None:
    ana, twin = make_person(), make_person()
    client.force_login(workspace.rep)
    unknown = _merge(client, ana, {"duplicate_id": twin.pk, "fields": {"shoe_size": "survivor"}})
    assert unknown.status_code == 422 and "shoe_size" in unknown.json()["detail"]
    wrong_side = _merge(client, ana, {"duplicate_id": twin.pk, "fields": {"email": "both"}})
    assert wrong_side.status_code == 422
    itself = _merge(client, ana, {"duplicate_id": ana.pk})
    assert itself.status_code == 422
    missing = _merge(client, ana, {})
    assert missing.status_code == 422 and "duplicate_id" in missing.json()["detail"]
    assert not MergeRecord.objects.exists()


def test_merging_needs_edit_rights_on_both(
    client: Client, workspace: Any, make_person: Any
) -> None:
    ana = make_person()
    sams = make_person(actor=workspace.other_rep)
    # A rep cannot merge in a record they may not see (not found) ...
    client.force_login(workspace.rep)
    assert _merge(client, ana, {"duplicate_id": sams.pk}).status_code == 404
    # ... a viewer may see both but change neither
    twin = make_person()
    client.force_login(workspace.viewer)
    assert _merge(client, ana, {"duplicate_id": twin.pk}).status_code == 403
    # ... and a trashed duplicate cannot be merged
    from rapport.people.services import person_delete

    person_delete(actor=workspace.rep, person=twin)
    client.force_login(workspace.rep)
    assert _merge(client, ana, {"duplicate_id": twin.pk}).status_code == 409
    assert not MergeRecord.objects.exists()


def test_organisations_merge_too(client: Client, workspace: Any, make_org: Any) -> None:
    acme = make_org(name="Acme GmbH")
    twin = make_org(name="ACME", domain="acme.de")
    client.force_login(workspace.rep)
    response = _merge(client, acme, {"duplicate_id": twin.pk, "fields": {"name": "survivor"}})
    assert response.status_code == 200
    assert response.json()["name"] == "Acme GmbH" and response.json()["domain"] == "acme.de"
    assert Organization.objects.get(pk=twin.pk).is_deleted


def _preview(client: Client, survivor: Any, body: dict[str, Any]) -> Any:
    kind = "people" if isinstance(survivor, Person) else "organizations"
    return client.post(f"/api/v1/{kind}/{survivor.pk}/merge/preview", body,
                       content_type="application/json")  # fmt: skip


def test_a_preview_shows_each_choice_and_the_result_and_changes_nothing(
    client: Client, workspace: Any, make_person: Any
) -> None:
    from rapport.activities.services import activity_log
    from rapport.dedupe.selectors import related_counts

    # Given Ana, and a twin edited later, with a title Ana lacks, another spelling, a phone
    # and a note
    ana = make_person(emails=["ana@example.com"])
    twin = make_person(last_name="Sousa", title="Buyer", emails=["ana.s@example.com"],
                       phones=["+44 20 7946 0000"])  # fmt: skip
    activity_log(actor=workspace.rep, kind="note",
                 data={"body": "Met at the fair", "people": [twin.pk]})  # fmt: skip
    client.force_login(workspace.rep)
    # When a script previews the merge, keeping Ana's last name
    before = Person.objects.get(pk=ana.pk).version
    response = _preview(client, ana, {"duplicate_id": twin.pk,
                                      "fields": {"last_name": "survivor"}})  # fmt: skip
    # Then it sees each field group's two sides, the side taken and the result
    assert response.status_code == 200, response.content
    body = response.json()
    fields = {f["name"]: f for f in body["fields"]}
    assert fields["last_name"]["choice"] == "survivor"
    assert fields["last_name"]["result"] == {"last_name": "Souza"}
    assert fields["last_name"]["duplicate"] == {"last_name": "Sousa"}
    assert fields["title"]["choice"] == "duplicate"  # the only non-empty one
    assert fields["title"]["result"] == {"title": "Buyer"}
    # And every e-mail and phone kept, the survivor's first, and what moves over
    assert body["emails"] == ["ana@example.com", "ana.s@example.com"]
    assert body["phones"] == ["+442079460000"]
    moving = {m["kind"]: m["count"] for m in body["moving"]}
    assert moving == dict(related_counts(twin)) and any("activit" in k for k in moving)
    assert (body["survivor_version"], body["duplicate_version"]) == (ana.version, twin.version)
    # And nothing changed: the merge can then be made with the version shown
    assert Person.objects.get(pk=ana.pk).version == before
    assert not Person.objects.get(pk=twin.pk).is_deleted and not MergeRecord.objects.exists()
    merged = _merge(client, ana, {"duplicate_id": twin.pk, "fields": {"last_name": "survivor"},
                                  "duplicate_version": body["duplicate_version"]})  # fmt: skip
    assert merged.status_code == 200 and merged.json()["title"] == "Buyer"


def test_a_preview_refuses_what_the_merge_refuses(
    client: Client, workspace: Any, make_person: Any, make_org: Any
) -> None:
    ana, twin = make_person(), make_person()
    sams = make_person(actor=workspace.other_rep)
    client.force_login(workspace.rep)
    assert _preview(client, ana, {"duplicate_id": ana.pk}).status_code == 422
    assert _preview(client, ana, {"duplicate_id": sams.pk}).status_code == 404
    bad = _preview(client, ana, {"duplicate_id": twin.pk, "fields": {"shoe_size": "survivor"}})
    assert bad.status_code == 422
    client.force_login(workspace.viewer)
    assert _preview(client, ana, {"duplicate_id": twin.pk}).status_code == 403
    # Organisations preview too
    acme, acme_twin = make_org(name="Acme GmbH"), make_org(name="ACME", domain="acme.de")
    client.force_login(workspace.rep)
    body = _preview(client, acme, {"duplicate_id": acme_twin.pk}).json()
    assert {f["name"]: f["result"] for f in body["fields"]}["domain"] == {"domain": "acme.de"}
    assert body["emails"] == [] and body["phones"] == []
