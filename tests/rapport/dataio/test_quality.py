"""The data quality page: completeness, invalid values, exact duplicates, consent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.dataio.quality import quality_report
from rapport.people.models import Person, PersonEmail, PersonPhone

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(workspace: Any, make_person: Any, make_org: Any) -> None:
    org = make_org(name="Acme")
    make_person(first_name="A", emails=["a@mail.example.com"], phones=["+14155552671"],
                email_consent="granted", organizations=[{"organization_id": org.pk}])  # fmt: skip
    b = make_person(first_name="B", emails=["shared@mail.example.com"], phones=["+14155552671"])
    make_person(first_name="C", emails=["shared@mail.example.com"])
    make_person(actor=workspace.other_rep, first_name="S", emails=["shared@mail.example.com"])
    # Stored values that no longer validate (written before a rule changed, say).
    PersonEmail.objects.filter(person=b).update(email="broken address@")
    PersonPhone.objects.create(person=b, number="555-1234")
    Person.objects.filter(pk=b.pk).update(email="broken address@")


def test_report_counts_what_the_user_may_see(workspace: Any, people: None) -> None:
    report = quality_report(user=workspace.rep)
    assert report.total == 3
    shares = {c.label: c.count for c in report.completeness}
    assert shares["E-mail"] == 3 and shares["Phone"] == 2 and shares["Organisation"] == 1
    assert shares["Consent status known"] == 1 and report.no_consent == 2
    assert report.invalid_emails == 1 and report.invalid_phones == 1
    assert report.people_sharing_phone == 2
    assert report.people_sharing_email == 0  # C and S share one, but S is not visible to rick
    admin = quality_report(user=workspace.admin)
    assert admin.total == 4 and admin.people_sharing_email == 2


def test_custom_fields_appear_in_completeness(workspace: Any, make_person: Any) -> None:
    from rapport.people.custom_field_services import custom_field_create

    custom_field_create(actor=workspace.admin, data={"entity": "person", "key": "tier", "label": "Tier",
                                                     "field_type": "text"})  # fmt: skip
    make_person(custom_fields={"tier": "gold"})
    make_person(first_name="Bo")
    entry = next(c for c in quality_report(user=workspace.admin).completeness if c.label == "Tier")
    assert (entry.count, entry.share) == (1, 0.5)


def test_quality_page(client: Client, workspace: Any, people: None) -> None:
    client.force_login(workspace.viewer)
    response = client.get(reverse("dataio:quality"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-metric="invalid-emails">1<' in html and "Completeness" in html


def test_cached_report_follows_a_visibility_change(workspace: Any, people: None) -> None:
    # Given rick has seen the report under team visibility (his team's three people)
    from rapport.accounts.models import User
    from rapport.accounts.services import workspace_set_visibility

    rick = User.objects.get(pk=workspace.rep.pk)
    rita_person = Person.objects.filter(first_name="C").get()
    Person.objects.filter(pk=rita_person.pk).update(owner=workspace.rep2)
    assert quality_report(user=rick).total == 3
    # When the admin switches the workspace to private
    workspace_set_visibility(visibility="private")
    # Then rick's next report (a new request, so a fresh user) counts only his own people
    rick = User.objects.get(pk=workspace.rep.pk)
    assert quality_report(user=rick).total == 2
    # and switching back shows the team's again
    workspace_set_visibility(visibility="team")
    assert quality_report(user=User.objects.get(pk=workspace.rep.pk)).total == 3
