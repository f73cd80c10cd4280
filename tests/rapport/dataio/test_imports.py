"""What an import does to the data: create, update, leave alone, flag, reject."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.models import AuditEvent
from rapport.dataio.models import ExternalId, JobStatus
from rapport.dedupe.check.people import person_duplicates
from rapport.dedupe.models import MatchKey, MatchProfile
from rapport.dedupe.profiles import person_profile_from_data
from rapport.people.models import Organization, Person
from rapport.people.selectors import ListFilter, person_list
from tests.rapport.dataio.helpers import counts, run

pytestmark = pytest.mark.django_db

CSV = """Record ID,First Name,Last Name,Email,Phone Number,Company Name,Tags,Lifecycle Stage
1,ANA,SOUZA,ana@mail.example.com,(415) 555-2671,Acme Bakery,vip;newsletter,customer
2,bruno,costa,bruno@mail.example.com,+44 20 7946 0958,Acme Bakery,,lead
3,Carla,Dias,not-an-email,,,,
"""


def test_first_import_creates_and_reports(workspace: Any) -> None:
    # Given a HubSpot-style file with one bad row
    job = run(workspace.rep, CSV)
    # Then good rows land, the bad one is reported with its line and column
    assert job.status == JobStatus.DONE
    assert counts(job) == (2, 0, 0, 0, 1)
    issue = job.issues.get()
    assert (issue.line, issue.column) == (4, "Email") and "not a valid e-mail" in issue.reason
    ana = Person.objects.get(email="ana@mail.example.com")
    assert (ana.first_name, ana.last_name, ana.phone) == ("Ana", "Souza", "+14155552671")
    assert ana.lifecycle_stage == "customer" and ana.owner == workspace.rep
    assert ana.team == workspace.north
    assert sorted(ana.tags.values_list("name", flat=True)) == ["newsletter", "vip"]
    assert ana.affiliations.get().organization.name == "Acme Bakery"
    assert Organization.objects.filter(name="Acme Bakery").count() == 1
    # ...each person has an audit event naming the import, and search finds them
    event = AuditEvent.objects.get(entity_type="person", entity_id=ana.pk)
    assert event.action == "create" and "import" in event.changes
    found = person_list(user=workspace.rep, flt=ListFilter(q="souza"))
    assert list(found) == [ana]
    assert ExternalId.objects.get(person=ana).value == "1"


def test_importing_the_same_file_twice_creates_nothing(workspace: Any) -> None:
    run(workspace.rep, CSV)
    second = run(workspace.rep, CSV)
    assert counts(second) == (0, 0, 2, 0, 1)
    assert Person.objects.count() == 2
    assert Organization.objects.count() == 1


def test_rows_without_a_key_value_are_still_idempotent(workspace: Any) -> None:
    text = "First Name,Last Name,Email,Phone\nNo,Email,,(415) 555-2671\n"
    run(workspace.rep, text)
    again = run(workspace.rep, text)
    assert counts(again) == (0, 0, 1, 0, 0)
    assert Person.objects.count() == 1


def test_an_update_fills_and_changes_but_blank_cells_never_erase(
    workspace: Any, make_person: Any
) -> None:
    person = make_person(first_name="Ana", last_name="Souza", title="CTO",
                         emails=["ana@mail.example.com"])  # fmt: skip
    job = run(
        workspace.rep,
        "Email,Job Title,Last Name,Phone\nana@mail.example.com,,Lima,(415) 555-2671\n",
    )
    assert counts(job) == (0, 1, 0, 0, 0)
    person.refresh_from_db()
    assert (person.title, person.last_name, person.phone, person.version) == (
        "CTO",
        "Lima",
        "+14155552671",
        2,
    )
    update = AuditEvent.objects.filter(entity_id=person.pk, action="update").get()
    assert update.changes["last_name"] == ["Souza", "Lima"]
    assert person_list(user=workspace.rep, flt=ListFilter(q="lima")).get() == person


@pytest.mark.parametrize("key", ["phone", "external_id"])
def test_other_keys(workspace: Any, key: str) -> None:
    run(workspace.rep, CSV, key=key)
    changed = CSV.replace("ANA,SOUZA,ana@mail.example.com", "Ana,Souza,ana.new@mail.example.com")
    job = run(workspace.rep, changed, key=key)
    assert job.created == 0 and job.updated == 1
    ana = Person.objects.get(last_name="Souza")
    assert sorted(ana.emails.values_list("email", flat=True)) == [
        "ana.new@mail.example.com",
        "ana@mail.example.com",
    ]


def test_repeated_keys_in_one_file_make_one_person(workspace: Any) -> None:
    text = "Email,First Name,Job Title\nx@mail.example.com,Xavi,\nx@mail.example.com,,Chef\n"
    job = run(workspace.rep, text)
    assert (job.created, job.updated) == (1, 1)
    person = Person.objects.get()
    assert (person.first_name, person.title) == ("Xavi", "Chef")


def test_shared_phone_is_flagged_but_imported(workspace: Any, make_person: Any) -> None:
    other = make_person(first_name="Bea", phones=["+14155552671"])
    job = run(workspace.rep, "Email,First Name,Phone\nnew@mail.example.com,Nia,(415) 555-2671\n")
    assert counts(job) == (1, 0, 0, 1, 0)
    issue = job.issues.get()
    assert not issue.rejected and f"#{other.pk}" in issue.reason


def test_a_row_matching_a_record_the_importer_may_not_change_is_rejected(
    workspace: Any, make_person: Any
) -> None:
    theirs = make_person(
        actor=workspace.other_rep, first_name="Sam's", emails=["s@mail.example.com"]
    )
    job = run(workspace.rep, "Email,First Name\ns@mail.example.com,Hijack\n")
    assert counts(job) == (0, 0, 0, 0, 1)
    theirs.refresh_from_db()
    assert theirs.first_name == "Sam's"


def test_owner_column(workspace: Any) -> None:
    text = "Email,First Name,Contact owner\na@mail.example.com,A,rita\nb@mail.example.com,B,sam\n"
    job = run(workspace.rep, text)
    assert counts(job) == (1, 0, 0, 0, 1)
    assert Person.objects.get().owner == workspace.rep2
    assert "may not give records" in job.issues.get().reason


def test_viewers_cannot_import(workspace: Any) -> None:
    from rapport.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(workspace.viewer, CSV)


def test_dry_run_saves_nothing_but_reports(workspace: Any) -> None:
    job = run(workspace.rep, CSV, dry_run=True)
    assert counts(job) == (2, 0, 0, 0, 1)
    assert job.issues.count() == 1
    assert not Person.objects.exists() and not Organization.objects.exists()
    assert not AuditEvent.objects.filter(entity_type="person").exists()


def test_custom_fields(workspace: Any) -> None:
    from rapport.people.custom_field_services import custom_field_create

    custom_field_create(actor=workspace.admin, data={"entity": "person", "key": "shoe",
                                                     "label": "Shoe size", "field_type": "number"})  # fmt: skip
    job = run(workspace.rep, "Email,Shoe size\na@mail.example.com,42\nb@mail.example.com,big\n")
    assert counts(job) == (1, 0, 0, 0, 1)
    assert Person.objects.get().custom_fields == {"shoe": 42}
    assert "Shoe size must be a number" in job.issues.get().reason


def test_organisations_import_by_domain(workspace: Any, make_org: Any) -> None:
    existing = make_org(name="Globex", domain="globex.example")
    text = ("Company name,Company Domain Name,Industry,Number of Employees\n"
            "Globex Corp,https://www.globex.example/,Software,10-49\nInitech,initech.example,,\n,,x,\n")  # fmt: skip
    job = run(workspace.rep, text, entity="organization", name="companies.csv")
    assert counts(job) == (1, 1, 0, 0, 1)
    existing.refresh_from_db()
    assert (existing.name, existing.industry, existing.size) == ("Globex Corp", "Software", "10-49")
    again = run(workspace.rep, text, entity="organization", name="companies.csv")
    assert counts(again) == (0, 0, 2, 0, 1)


def test_organisations_import_by_name(workspace: Any) -> None:
    text = "Name,Industry\nAcme,Food\nACME,Retail\n"
    job = run(workspace.rep, text, entity="organization", key="name")
    assert (job.created, job.updated) == (1, 1)
    assert Organization.objects.get().industry == "Retail"


def test_imported_and_renamed_organisations_get_fresh_duplicate_keys(
    workspace: Any, make_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given Globex exists (its keys came with the save), and an import renames it and adds
    # Initech; a people import also creates Acme Bakery on the way
    existing = make_org(name="Globex", domain="globex.example")
    text = "Company name,Company Domain Name\nGlobex Corp,globex.example\nInitech,initech.example\n"
    with django_capture_on_commit_callbacks(execute=True):
        run(workspace.rep, text, entity="organization", name="companies.csv")
        run(workspace.rep, CSV)
    # Then every one of them has its profile as imported, for the duplicate check
    names = dict(
        MatchProfile.objects.filter(entity="organization").values_list("record_id", "data__name")
    )
    initech = Organization.objects.get(name="Initech")
    acme = Organization.objects.get(name="Acme Bakery")
    assert names == {existing.pk: "Globex Corp", initech.pk: "Initech", acme.pk: "Acme Bakery"}


def test_a_big_file_runs_in_several_batches(workspace: Any, monkeypatch: Any) -> None:
    from rapport.dataio.engine import runner

    monkeypatch.setattr(runner, "BATCH_ROWS", 7)
    rows = "".join(f"P{i},Q,p{i}@mail.example.com\n" for i in range(30))
    job = run(workspace.rep, "First name,Last name,Email\n" + rows)
    assert job.created == 30 and job.rows_done == 30 and job.rows_total == 30


def _stored_keys() -> tuple[dict[int, list[int]], dict[int, Any]]:
    keys: dict[int, list[int]] = {}
    for record_id, key in MatchKey.objects.filter(entity="person").order_by("record_id", "key"
                                                                             ).values_list("record_id", "key"):  # fmt: skip
        keys.setdefault(record_id, []).append(key)
    profiles = dict(MatchProfile.objects.filter(entity="person").values_list("record_id", "data"))
    return keys, profiles


def test_created_people_get_the_keys_and_profile_a_refresh_would_give(
    workspace: Any, make_org: Any
) -> None:
    from rapport.dedupe.keys import person_keys_refresh

    # Given an organisation the file names in another case, with a web domain
    make_org(name="Acme Bakery", domain="acme.example")
    text = CSV + (
        "4,zoë,o'brien,Zoe.OBrien@Mail.Example.com;zoe@home.example.org,+1 212 555 0199,ACME BAKERY,,\n"
        "5,,,solo@mail.example.com,,Initech,,\n"
    )
    # When the file is imported, without any worker job running afterwards
    job = run(workspace.rep, text)
    assert job.created == 4
    imported = _stored_keys()
    # Then each new person already has the keys and profile that rebuilding them gives
    person_keys_refresh(Person.objects.values_list("pk", flat=True))
    assert imported == _stored_keys()
    zoe = Person.objects.get(last_name="O'Brien")
    assert imported[1][zoe.pk]["organisation"] == "Acme Bakery"
    assert imported[1][zoe.pk]["domain"] == "acme.example"
    assert len(imported[0][zoe.pk]) >= 4  # two e-mails, a phone, name codes


def test_imported_people_are_found_by_the_duplicate_check(workspace: Any) -> None:
    # Given an import (it writes the new people's duplicate-check keys with them)
    run(workspace.rep, CSV)
    ana = Person.objects.get(email="ana@mail.example.com")
    assert MatchKey.objects.filter(record_id=ana.pk).exists()
    # When someone is about to type Ana in again, with a typo and her phone
    profile = person_profile_from_data(
        {"first_name": "Anna", "last_name": "Souza", "phones": ["415-555-2671"]}
    )
    found = person_duplicates(user=workspace.rep, profile=profile)
    # Then the check offers the imported record
    assert [c.id for c in found][:1] == [ana.pk]


def test_a_dry_run_builds_no_duplicate_keys(
    workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:

    with django_capture_on_commit_callbacks(execute=True):
        run(workspace.rep, CSV, dry_run=True)
    assert not MatchKey.objects.exists()


def test_updated_people_get_fresh_keys_after_the_batch(
    workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given Ana was imported
    run(workspace.rep, CSV)
    ana = Person.objects.get(email="ana@mail.example.com")
    # When a second file gives her a new phone (the worker refreshes changed people's keys)
    text = "Record ID,Email,Phone Number\n1,ana@mail.example.com,+1 303 555 0142\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = run(workspace.rep, text)
    assert job.updated == 1
    # Then her stored profile holds both phones
    profile = MatchProfile.objects.get(entity="person", record_id=ana.pk).data
    assert profile["phones"] == ["+14155552671", "+13035550142"]


def test_a_row_matching_only_a_trashed_person_creates_a_new_one(workspace: Any) -> None:
    from rapport.people.services import person_delete

    # Given Ana was imported, then moved to the trash
    run(workspace.rep, CSV)
    ana = Person.objects.get(email="ana@mail.example.com")
    person_delete(actor=workspace.rep, person=ana)
    # When the file is imported again
    again = run(workspace.rep, CSV)
    # Then her row makes a new, living person who takes over her record id in the source;
    # the trashed one is left alone, and Bruno is unchanged
    assert counts(again) == (1, 0, 1, 0, 1)
    living = Person.objects.alive().get(email="ana@mail.example.com")
    assert living.pk != ana.pk
    assert ExternalId.objects.get(source="import", value="1").person_id == living.pk
    ana.refresh_from_db()
    assert ana.deleted_at is not None and ana.version == 2
