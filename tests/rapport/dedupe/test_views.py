"""The pages: review queue, merge preview and merge, undo, the record panel."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from rapport.dedupe.models import DuplicatePair, MergeRecord
from rapport.dedupe.scan import scan_run
from rapport.dedupe.services import scan_request
from rapport.people.models import Person


def _twins(make_person: Any, actor: Any = None) -> tuple[Any, Any]:
    a = make_person(actor=actor, first_name="Ana", last_name="Souza", emails=["ana@example.com"],
                    phones=["+14155550123"], title="CTO")  # fmt: skip
    b = make_person(actor=actor, first_name="Anna", last_name="Souza", emails=["ana@example.com"],
                    phones=["+14155550123"], street="1 Main St")  # fmt: skip
    return a, b


def test_review_page_lists_clusters_side_by_side(
    client: Client, workspace: Any, make_person: Any
) -> None:
    a, b = _twins(make_person)
    scan_run(scan_request(entity="person", requested_by=None).pk)
    client.force_login(workspace.rep)
    body = client.get(reverse("dedupe:review")).content.decode()
    assert "Ana Souza" in body and "Anna Souza" in body
    assert "same e-mail" in body
    assert reverse("dedupe:merge", args=["person", a.pk, b.pk]) in body
    # A rep of another team sees nothing of it
    client.force_login(workspace.other_rep)
    assert "Anna Souza" not in client.get(reverse("dedupe:review")).content.decode()


def test_merge_preview_then_merge_then_undo(
    client: Client, workspace: Any, make_person: Any
) -> None:
    a, b = _twins(make_person)
    client.force_login(workspace.rep)
    url = reverse("dedupe:merge", args=["person", a.pk, b.pk])
    # The preview shows both values of each field and the result of the chosen ones
    page = client.get(url, {"choice_first_name": "survivor"})
    body = page.content.decode()
    assert page.status_code == 200 and "Anna" in body and "1 Main St" in body
    assert 'name="choice_first_name" value="survivor" checked' in body
    # Merging redirects to the survivor, the duplicate is in the trash
    response = client.post(url, {"choice_first_name": "survivor"})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[a.pk])
    a.refresh_from_db()
    assert a.first_name == "Ana" and a.street == "1 Main St"
    assert Person.objects.get(pk=b.pk).is_deleted
    # The survivor's panel lists the merge with an undo button
    panel = client.get(reverse("dedupe:person_panel", args=[a.pk])).content.decode()
    merge = MergeRecord.objects.get()
    assert "Anna Souza" in panel and reverse("dedupe:merge_undo", args=[merge.pk]) in panel
    # Undo brings the duplicate back
    response = client.post(reverse("dedupe:merge_undo", args=[merge.pk]))
    assert response.status_code == 302
    assert not Person.objects.get(pk=b.pk).is_deleted
    a.refresh_from_db()
    assert a.street == ""


def test_a_rep_cannot_merge_another_teams_record_from_the_page(
    client: Client, workspace: Any, make_person: Any
) -> None:
    mine = make_person(emails=["ana@example.com"])
    theirs = make_person(actor=workspace.other_rep, emails=["ana@example.com"])
    client.force_login(workspace.rep)
    url = reverse("dedupe:merge", args=["person", mine.pk, theirs.pk])
    assert client.post(url).status_code == 404
    assert not Person.objects.get(pk=theirs.pk).is_deleted
    # Under "everyone" visibility rick sees Sam's record but still may not merge it
    from rapport.accounts.services import workspace_set_visibility

    workspace_set_visibility(visibility="everyone")
    client.force_login(workspace.rep)
    assert client.post(url).status_code == 403
    assert not Person.objects.get(pk=theirs.pk).is_deleted


def test_panel_shows_likely_duplicates_of_a_person(
    client: Client, workspace: Any, make_person: Any
) -> None:
    a, b = _twins(make_person)
    client.force_login(workspace.rep)
    panel = client.get(reverse("dedupe:person_panel", args=[a.pk])).content.decode()
    assert "Anna Souza" in panel and "same e-mail" in panel
    assert reverse("dedupe:merge", args=["person", a.pk, b.pk]) in panel
    # "Not a duplicate" from the panel is remembered
    client.post(reverse("dedupe:person_dismiss"), {"candidate": b.pk, "person": a.pk})
    panel = client.get(reverse("dedupe:person_panel", args=[a.pk])).content.decode()
    assert "Anna Souza" not in panel


def test_pair_dismiss_from_the_review_page(
    client: Client, workspace: Any, make_person: Any
) -> None:
    _twins(make_person)
    scan_run(scan_request(entity="person", requested_by=None).pk)
    pair = DuplicatePair.objects.get()
    client.force_login(workspace.rep)
    response = client.post(reverse("dedupe:pair_dismiss", args=[pair.pk]))
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == "dismissed"
    assert "Nothing to review" in client.get(reverse("dedupe:review")).content.decode()


def test_person_form_has_the_check_box(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    body = client.get(reverse("people:person_create")).content.decode()
    assert reverse("dedupe:person_check") in body


def test_organisation_merge_page_and_panel(client: Client, workspace: Any, make_org: Any) -> None:
    acme = make_org(name="Acme Ltd", domain="acme.example")
    acme2 = make_org(name="ACME Limited", domain="acme.example", industry="Food")
    client.force_login(workspace.rep)
    url = reverse("dedupe:merge", args=["organization", acme.pk, acme2.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Merge two organisations" in page.content.decode()
    assert client.post(url).status_code == 302
    panel = client.get(reverse("dedupe:organization_panel", args=[acme.pk])).content.decode()
    assert "ACME Limited" in panel and "Undo merge" in panel
