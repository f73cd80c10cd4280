"""List exports: filters and permissions of the list page, formula protection,
and export → import round trips."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.dataio.exports.lists import csv_lines, export_queryset
from rapport.people.models import Person
from tests.rapport.dataio.helpers import counts, run

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_export_follows_the_list_filters_and_visibility(
    client: Client, workspace: Any, make_person: Any
) -> None:
    # Given people of two teams, one tagged
    make_person(first_name="Ana", tags=["vip"], emails=["ana@mail.example.com"])
    make_person(first_name="Bo", emails=["bo@mail.example.com"])
    make_person(actor=workspace.other_rep, first_name="Sam", emails=["sam@mail.example.com"])
    client.force_login(workspace.rep)
    # When the rep exports the list filtered by a tag
    response = client.get(reverse("dataio:export", args=["people", "csv"]), {"tag": "vip"})
    # Then only the matching people they may see are in the file
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert [r["First name"] for r in _rows(response)] == ["Ana"]
    everyone = _rows(client.get(reverse("dataio:export", args=["people", "csv"])))
    assert sorted(r["First name"] for r in everyone) == ["Ana", "Bo"]


def test_formula_cells_are_escaped_in_csv_and_plain_text_in_xlsx(
    client: Client, workspace: Any, make_person: Any
) -> None:
    from openpyxl import load_workbook

    make_person(
        first_name='=HYPERLINK("http://evil")', last_name="@SUM(A1)", emails=["f@mail.example.com"]
    )
    client.force_login(workspace.rep)
    row = _rows(client.get(reverse("dataio:export", args=["people", "csv"])))[0]
    assert row["First name"] == '\'=HYPERLINK("http://evil")' and row["Last name"] == "'@SUM(A1)"
    response = client.get(reverse("dataio:export", args=["people", "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("First name") + 1)
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://evil")'


def test_organisation_export(client: Client, workspace: Any, make_org: Any) -> None:
    make_org(name="Acme", domain="acme.example")
    client.force_login(workspace.viewer)
    rows = _rows(client.get(reverse("dataio:export", args=["organisations", "csv"])))
    assert [(r["Name"], r["Domain"]) for r in rows] == [("Acme", "acme.example")]


def test_a_bad_filter_is_an_error_page_not_a_crash(client: Client, workspace: Any) -> None:
    client.force_login(workspace.rep)
    response = client.get(reverse("dataio:export", args=["people", "csv"]), {"sort": "nope"})
    assert response.status_code == 422


def test_export_then_import_into_an_empty_workspace(
    workspace: Any, make_person: Any, make_org: Any
) -> None:
    from rapport.people.custom_field_services import custom_field_create

    custom_field_create(actor=workspace.admin, data={"entity": "person", "key": "tier", "label": "Tier",
                                                     "field_type": "choice", "choices": ["gold", "silver"]})  # fmt: skip
    org = make_org(name="Acme Bakery")
    make_person(
        first_name="José", last_name="=Souza", title="CTO", emails=["jose@mail.example.com", "j2@mail.example.com"],
        phones=["+14155552671"], tags=["vip", "beta"], organizations=[{"organization_id": org.pk, "role": "CTO"}],
        lifecycle_stage="loyal", email_consent="granted", birthday="1980-02-29", city="Lisboa", country="PT",
        custom_fields={"tier": "gold"},
    )  # fmt: skip
    qs, columns = export_queryset(user=workspace.admin, entity="person", params={})
    exported = "".join(csv_lines(qs, columns))
    before = Person.objects.values("first_name", "last_name", "title", "email", "phone", "lifecycle_stage",
                                   "email_consent", "birthday", "city", "country", "custom_fields").get()  # fmt: skip
    Person.objects.all().delete()
    job = run(workspace.admin, exported.encode("utf-8"), name="export.csv")
    assert counts(job) == (1, 0, 0, 0, 0), list(job.issues.values_list("reason", flat=True))
    person = Person.objects.get()
    after = Person.objects.values(*before).get()
    assert after == before
    assert sorted(person.emails.values_list("email", flat=True)) == [
        "j2@mail.example.com",
        "jose@mail.example.com",
    ]
    assert sorted(person.tags.values_list("name", flat=True)) == ["beta", "vip"]
    assert person.affiliations.get().organization == org


NAMES = st.text(
    alphabet=st.characters(categories=["L", "M", "Zs"], include_characters="=+-@'.&,;\""),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(st.tuples(NAMES, NAMES), min_size=1, max_size=5))
def test_export_then_import_changes_nothing(workspace: Any, people: list[tuple[str, str]]) -> None:
    from rapport.people.services import person_create

    # Given any people
    for i, (first, last) in enumerate(people):
        person_create(actor=workspace.admin, data={"first_name": first, "last_name": last,
                                                   "emails": [f"p{i}@mail.example.com"]})  # fmt: skip
    try:
        # When their export is imported again, matched by e-mail
        qs, columns = export_queryset(user=workspace.admin, entity="person", params={})
        job = run(workspace.admin, "".join(csv_lines(qs, columns)).encode("utf-8"), name="x.csv")
        # Then every row is recognised and nothing changes
        assert counts(job) == (0, 0, len(people), 0, 0), list(
            job.issues.values_list("reason", flat=True)
        )
    finally:
        Person.objects.all().delete()
