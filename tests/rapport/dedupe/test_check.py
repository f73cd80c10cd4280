"""The duplicate check on create and edit: the selector, the page fragment and the API."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from rapport.dedupe.check.people import person_duplicates
from rapport.dedupe.models import MatchKey, MatchProfile
from rapport.dedupe.profiles import person_profile_from_data
from rapport.dedupe.services import decision_record


def test_creating_a_person_writes_their_keys(workspace: Any, make_person: Any) -> None:
    # Given a person created through the service
    ana = make_person(emails=["ana@example.com"], phones=["+1 415 555 0123"])
    # Then their blocking keys and profile are stored for later checks
    assert MatchKey.objects.filter(entity="person", record_id=ana.pk).count() >= 3
    assert MatchProfile.objects.get(entity="person", record_id=ana.pk).data["emails"] == [
        "ana@example.com"
    ]


def test_same_phone_is_a_likely_duplicate(workspace: Any, make_person: Any) -> None:
    # Given Ana Souza with a phone number
    ana = make_person(phones=["+1 415 555 0123"])
    make_person(first_name="Bruno", last_name="Lima", phones=["+1 212 555 0199"])
    # When someone types "Anna Souza" with the same phone in another format
    profile = person_profile_from_data(
        {"first_name": "Anna", "last_name": "Souza", "phones": ["(415) 555-0123"]}
    )
    found = person_duplicates(user=workspace.rep, profile=profile)
    # Then Ana is proposed, with the phone as the reason
    assert [c.id for c in found] == [ana.pk]
    assert "same phone" in found[0].reasons
    assert found[0].percent >= 90
    assert found[0].summary.startswith("same phone")


def test_check_leaves_out_invisible_deleted_and_dismissed(workspace: Any, make_person: Any) -> None:
    # Given three Ana Souzas sharing an e-mail: one of South's, one deleted, one dismissed
    from rapport.people.services import person_delete

    theirs = make_person(actor=workspace.other_rep, emails=["ana@example.com"])
    gone = make_person(emails=["ana@example.com"])
    person_delete(actor=workspace.rep, person=gone)
    edited = make_person(emails=["ana@example.com"])
    judged = make_person(emails=["ana@example.com"])
    decision_record(actor=workspace.rep, entity="person", record_a=edited.pk,
                    record_b=judged.pk, decision="not_duplicate")  # fmt: skip
    profile = person_profile_from_data({"first_name": "Ana", "last_name": "Souza",
                                        "emails": ["ana@example.com"]})  # fmt: skip
    # When rick edits one of them
    found = {c.id for c in person_duplicates(user=workspace.rep, profile=profile,
                                             person_id=edited.pk)}  # fmt: skip
    # Then neither the hidden, the deleted, the dismissed nor the edited person is shown
    assert theirs.pk not in found and gone.pk not in found
    assert judged.pk not in found and edited.pk not in found


def test_page_fragment_warns_while_typing(client: Client, workspace: Any, make_person: Any) -> None:
    # Given Ana Souza exists
    ana = make_person(emails=["ana.souza@example.com"])
    client.force_login(workspace.rep)
    # When the create form posts its fields to the check endpoint
    response = client.post(
        reverse("dedupe:person_check"),
        {"first_name": "Ana", "last_name": "Souza", "emails": "Ana.Souza@example.com"},
        headers={"HX-Request": "true"},
    )
    # Then a warning box names her with reasons and offers to open her record
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ana Souza" in body and "same e-mail" in body
    assert reverse("people:person_detail", args=[ana.pk]) in body
    assert "Not a duplicate" in body or "not a duplicate" in body


def test_page_fragment_is_empty_without_candidates(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    response = client.post(reverse("dedupe:person_check"), {"first_name": "Zed"})
    assert response.status_code == 200
    assert "Possible duplicate" not in response.content.decode()


def test_api_check_returns_scores_and_reasons(
    client: Client, workspace: Any, make_person: Any
) -> None:
    # Given Ana Souza exists
    ana = make_person(emails=["ana@example.com"], phones=["+1 415 555 0123"])
    client.force_login(workspace.rep)
    # When a script checks a new person before creating them
    response = client.post(
        "/api/v1/people/duplicates/check",
        {"first_name": "Ana", "last_name": "Souza", "emails": ["ANA@example.com"]},
        content_type="application/json",
    )
    # Then the candidates come with a score in 0..1 and reasons
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["id"] == ana.pk
    assert 0.5 <= results[0]["score"] <= 1
    assert "same e-mail" in results[0]["reasons"]
    assert results[0]["summary"].endswith("%")


def test_api_check_excludes_the_person_being_edited(
    client: Client, workspace: Any, make_person: Any
) -> None:
    ana = make_person(emails=["ana@example.com"])
    client.force_login(workspace.rep)
    response = client.post(
        "/api/v1/people/duplicates/check",
        {
            "person_id": ana.pk,
            "first_name": "Ana",
            "last_name": "Souza",
            "emails": ["ana@example.com"],
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
