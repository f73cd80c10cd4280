"""Per-record limits on tags, e-mails, phones and affiliations: the API answers 422 with
the reason, the forms show it, bulk tagging and imports refuse rows past the limit
(issue 10 item 7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.people.bulk import bulk_add_tags
from rapport.people.models import Organization, Person
from tests.rapport.dataio.helpers import counts, run

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    settings.RAPPORT = {
        **settings.RAPPORT,
        "RECORD_LIMITS": {"tags": 3, "emails": 2, "phones": 2, "organizations": 2},
    }


def test_the_defaults_are_sensible() -> None:
    from config.env import load

    assert load().record_limits == {"tags": 100, "emails": 20, "phones": 20, "organizations": 200}


def test_the_api_refuses_a_person_with_too_many_of_any_list(
    workspace: Any, api_as: Any, make_org: Any
) -> None:
    client = api_as(workspace.rep)
    orgs = [{"organization_id": make_org(name=f"Org {i}").pk} for i in range(3)]
    for field, values in (
        ("tags", ["a", "b", "c", "d"]),
        ("emails", [f"x{i}@mail.example.com" for i in range(3)]),
        ("phones", ["+14155552671", "+14155552672", "+14155552673"]),
        ("organizations", orgs),
    ):
        response = client.post("/api/v1/people", {"first_name": "Ana", field: values},
                                content_type=JSON)  # fmt: skip
        assert response.status_code == 422, (field, response.content)
        assert "At most" in str(response.json()["detail"][field]), field
    assert not Person.objects.exists()
    # At the limit is fine
    fits = client.post("/api/v1/people", {"first_name": "Ana", "tags": ["a", "b", "c"],
                                          "emails": ["a@mail.example.com", "b@mail.example.com"]},
                       content_type=JSON)  # fmt: skip
    assert fits.status_code == 201, fits.content


def test_a_change_past_the_limit_changes_nothing(
    workspace: Any, api_as: Any, make_person: Any, make_org: Any
) -> None:
    person = make_person(tags=["vip"])
    org = make_org(tags=["vip"])
    client = api_as(workspace.rep)
    too_many = ["a", "b", "c", "d"]
    assert client.patch(f"/api/v1/people/{person.pk}", {"tags": too_many},
                        content_type=JSON).status_code == 422  # fmt: skip
    refused = client.patch(f"/api/v1/organizations/{org.pk}", {"tags": too_many},
                           content_type=JSON)  # fmt: skip
    assert refused.status_code == 422 and "tags" in refused.json()["detail"]
    created = client.post("/api/v1/organizations", {"name": "Big", "tags": too_many},
                          content_type=JSON)  # fmt: skip
    assert created.status_code == 422
    assert list(Person.objects.get().tags.values_list("name", flat=True)) == ["vip"]
    assert list(Organization.objects.get().tags.values_list("name", flat=True)) == ["vip"]


def test_the_form_shows_the_limit_next_to_the_field(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    response = client.post(reverse("people:person_create"), {
        "first_name": "Ana", "lifecycle_stage": "prospect", "email_consent": "unknown",
        "emails": "a@mail.example.com\nb@mail.example.com\nc@mail.example.com",
        "owner": workspace.rep.pk, "team": workspace.north.pk,
    })  # fmt: skip
    assert response.status_code == 422
    assert "At most 2 e-mail addresses on one record" in response.content.decode()
    assert not Person.objects.exists()


def test_bulk_tagging_refuses_to_take_a_record_past_the_limit(
    workspace: Any, make_person: Any
) -> None:
    full = make_person(tags=["a", "b"])
    roomy = make_person(first_name="Bo")
    from rapport.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        bulk_add_tags(actor=workspace.rep, model=Person, ids=[full.pk, roomy.pk], tags=["c", "d"])
    assert "1 of the selected records" in str(refused.value.detail)
    assert roomy.tags.count() == 0
    # A tag the record already has does not count twice
    assert bulk_add_tags(actor=workspace.rep, model=Person, ids=[full.pk], tags=["a", "c"]) == 1
    with pytest.raises(ValidationFailed):
        bulk_add_tags(actor=workspace.rep, model=Person, ids=[roomy.pk], tags=list("abcd"))


def test_an_import_rejects_a_row_past_the_limit(workspace: Any) -> None:
    content = (
        "First name,Email,Tags\n"
        "Ana,ana@mail.example.com,a; b; c; d\n"
        "Bo,bo@mail.example.com;bo2@mail.example.com;bo3@mail.example.com,x\n"
        "Cy,cy@mail.example.com,a; b\n"
    )
    job = run(workspace.rep, content)
    assert counts(job)[0] == 1 and counts(job)[4] == 2
    reasons = {issue.line: (issue.column, issue.reason) for issue in job.issues.all()}
    assert reasons[2][0] == "Tags" and "at most 3" in reasons[2][1]
    assert reasons[3][0] == "Email" and "at most 2" in reasons[3][1]
    assert list(Person.objects.values_list("first_name", flat=True)) == ["Cy"]


def test_an_import_that_updates_refuses_a_row_past_the_limit(
    workspace: Any, make_person: Any
) -> None:
    # Given Ana with two e-mails and two tags (the limits here: 2 e-mails, 3 tags)
    ana = make_person(first_name="Ana", emails=["ana@mail.example.com", "ana2@mail.example.com"],
                      tags=["a", "b"])  # fmt: skip
    # When an import matches her by e-mail, once adding a third address, once two tags
    content = (
        "First name,Email,Tags\n"
        "Ana,ana@mail.example.com;ana3@mail.example.com,\n"
        "Ana,ana2@mail.example.com,c; d\n"
        "Ana,ana@mail.example.com,c\n"
    )
    job = run(workspace.rep, content)
    # Then both rows past a limit are refused whole, and the one that fits is applied
    reasons = {issue.line: (issue.column, issue.reason) for issue in job.issues.all()}
    assert set(reasons) == {2, 3}
    assert "at most 2 e-mail" in reasons[2][1].lower() and "at most 3 tags" in reasons[3][1].lower()
    assert sorted(ana.emails.values_list("email", flat=True)) == [
        "ana2@mail.example.com", "ana@mail.example.com"]  # fmt: skip
    assert sorted(ana.tags.values_list("name", flat=True)) == ["a", "b", "c"]
    assert job.rejected == 2 and job.updated == 1
