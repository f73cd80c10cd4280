"""Organisations' phone numbers through imports and exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.dataio.fields import suggest_mapping
from rapport.dedupe.check.organizations import (
    organization_duplicates,
    organization_profile_from_data,
)
from rapport.people.models import Organization
from rapport.people.search import apply_search
from tests.rapport.dataio.helpers import counts, run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "header",
    ["Phone", "Phone Number", "Company phone", "Main phone", "Account Phone", "Telephone",
     "Organization - Phone", "Switchboard"],
)  # fmt: skip
def test_common_phone_columns_are_suggested_for_organisations(header: str) -> None:
    assert suggest_mapping(["Company name", header], "organization")[header] == "phone"


def test_organisations_import_their_phone_in_e164(workspace: Any, make_org: Any) -> None:
    # Given Globex without a phone, and a file with national and international numbers
    globex = make_org(name="Globex", domain="globex.example")
    text = ("Company name,Company Domain Name,Phone Number\n"
            "Globex Corp,globex.example,(415) 555-2671\n"
            "Initech,initech.example,+44 20 7946 0958\n"
            "Hooli,hooli.example,12345\n"
            "Umbrella,umbrella.example,\n")  # fmt: skip
    job = run(workspace.rep, text, entity="organization", name="companies.csv")
    # Then the good rows are written with the number read in the import's region (US)
    assert counts(job) == (2, 1, 0, 0, 1)
    globex.refresh_from_db()
    assert (globex.phone, globex.version) == ("+14155552671", 2)
    initech = Organization.objects.get(name="Initech")
    assert initech.phone == "+442079460958"
    assert Organization.objects.get(name="Umbrella").phone == ""
    # And the bad number rejects its row, saying why
    issue = job.issues.get()
    assert issue.column == "Phone Number" and "not a valid phone number" in issue.reason
    # And the organisations are found by their number's digits
    assert list(apply_search(Organization.objects.all(), "02079460958")) == [initech]
    # A blank cell on the next import leaves the number alone
    again = run(workspace.rep, "Company name,Company Domain Name,Phone\nGlobex Corp,globex.example,\n",
                entity="organization", name="companies.csv")  # fmt: skip
    assert counts(again) == (0, 0, 1, 0, 0)
    globex.refresh_from_db()
    assert globex.phone == "+14155552671"


def test_a_row_with_another_organisations_phone_is_flagged_and_imported(
    workspace: Any, make_org: Any
) -> None:
    # Given Globex holds a switchboard number
    globex = make_org(name="Globex", phone="+1 415 555 2671")
    # When a file brings a differently named company with that number, and Globex itself
    text = ("Company name,Phone\n"
            "Globex Holdings,(415) 555-2671\n"
            "Globex,(415) 555-2671\n")  # fmt: skip
    job = run(workspace.rep, text, entity="organization", name="companies.csv", key="name")
    # Then the stranger is created but flagged against Globex; Globex's own row is not
    assert counts(job) == (1, 0, 1, 1, 0)
    issue = job.issues.get()
    assert (issue.line, issue.column, issue.rejected) == (2, "phone", False)
    assert issue.reason == f"possible duplicate: the same phone as organisation #{globex.pk}"


def test_imported_organisations_are_found_by_phone(
    workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    text = "Company name,Main phone\nAcme Widgets Ltd,415 555 2671\n"
    with django_capture_on_commit_callbacks(execute=True):
        run(workspace.rep, text, entity="organization", name="companies.csv", key="name")
    profile = organization_profile_from_data(
        {"name": "ACME Widget Co Limited", "phone": "+1 (415) 555-2671"}
    )
    [found] = organization_duplicates(user=workspace.rep, profile=profile)
    assert found.name == "Acme Widgets Ltd" and "same phone" in found.reasons


def test_the_organisation_export_has_the_phone(
    client: Client, workspace: Any, make_org: Any
) -> None:
    make_org(name="Acme", domain="acme.example", phone="+14155552671")
    client.force_login(workspace.viewer)
    response = client.get(reverse("dataio:export", args=["organisations", "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(body)))
    # Escaped like every cell starting with "+"; the import reads it back as the number
    assert row["Phone"] in ("+14155552671", "'+14155552671")
    assert suggest_mapping(list(row), "organization")["Phone"] == "phone"
