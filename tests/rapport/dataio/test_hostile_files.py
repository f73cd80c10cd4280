"""Hostile and odd files: each gives a clear error or a clean import, never a crash and
never a change to a record that was already there."""

from __future__ import annotations

import codecs
import io
from typing import Any

import pytest

from rapport.core.errors import ValidationFailed
from rapport.dataio.models import ImportJob, JobStatus
from rapport.people.models import Person
from tests.rapport.dataio.helpers import counts, run, upload

pytestmark = pytest.mark.django_db

HEADER = "First name,Last name,Email\n"


@pytest.fixture
def existing(workspace: Any, make_person: Any) -> Any:
    return make_person(first_name="Ana", last_name="Souza", emails=["ana@mail.example.com"])


def _unchanged(person: Any) -> None:
    before = (person.first_name, person.last_name, person.email, person.version)
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.email, person.version) == before


def test_an_empty_file_is_refused_with_a_reason(workspace: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        upload(workspace.rep, b"")
    assert "empty" in str(exc.value.detail).lower()


def test_a_file_of_blank_lines_is_refused(workspace: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        upload(workspace.rep, b"\n\n  \n")
    assert "empty" in str(exc.value.detail).lower()


def test_a_header_only_file_imports_nothing(workspace: Any, existing: Any) -> None:
    job = run(workspace.rep, HEADER)
    assert job.status == JobStatus.DONE
    assert counts(job) == (0, 0, 0, 0, 0)
    _unchanged(existing)


def test_an_unbalanced_quote_rejects_the_rows_it_swallows(workspace: Any, existing: Any) -> None:
    text = (
        HEADER
        + 'Bo,Ek,bo@mail.example.com\n"Cy,Oh,cy@mail.example.com\nDi,Li,ana@mail.example.com\n'
    )
    job = run(workspace.rep, text)
    assert job.status == JobStatus.DONE
    assert job.created == 1 and job.rejected == 1
    issue = job.issues.get()
    assert issue.line == 3 and "quote" in issue.reason
    _unchanged(existing)


def test_nul_bytes_are_dropped(workspace: Any) -> None:
    job = run(workspace.rep, HEADER + "Bo\x00b,Ek,bob@mail.example.com\n")
    assert job.created == 1
    assert Person.objects.get(email="bob@mail.example.com").first_name == "Bob"


def test_mixed_line_endings(workspace: Any) -> None:
    text = "First name,Last name,Email\r\nA,One,a1@mail.example.com\rB,Two,b2@mail.example.com\nC,Three,c3@mail.example.com\r\n"
    job = run(workspace.rep, text)
    assert job.created == 3, list(job.issues.values_list("reason", flat=True))


def test_a_200_kb_field_rejects_its_row_only(workspace: Any, existing: Any) -> None:
    text = HEADER + f"{'x' * 200_000},Ek,big@mail.example.com\nBo,Ek,bo@mail.example.com\n"
    job = run(workspace.rep, text)
    assert (job.created, job.rejected) == (1, 1)
    assert "characters long" in job.issues.get().reason
    _unchanged(existing)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16", b""),
        ("cp1252", b""),
        ("latin-1", b""),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_encodings_are_detected(workspace: Any, encoding: str, bom: bytes) -> None:
    text = HEADER + "José,Müller,jose@mail.example.com\nZoë,Ærø,zoe@mail.example.com\n"
    job = run(workspace.rep, bom + text.encode(encoding))
    assert job.created == 2, list(job.issues.values_list("reason", flat=True))
    assert Person.objects.get(email="jose@mail.example.com").last_name == "Müller"
    assert Person.objects.get(email="zoe@mail.example.com").first_name == "Zoë"


def test_a_wrongly_declared_latin1_file_is_still_read(workspace: Any) -> None:
    # A UTF-8 BOM-less file that is really Windows-1252 (a classic Excel export).
    job = run(workspace.rep, "Vorname;Nachname;E-Mail\nJürgen;Groß;jg@mail.example.com\n".encode("cp1252"),
              mapping={"Vorname": "first_name", "Nachname": "last_name", "E-Mail": "email"})  # fmt: skip
    assert job.created == 1
    assert Person.objects.get(email="jg@mail.example.com").last_name == "Groß"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(workspace: Any, delimiter: str) -> None:
    text = "\n".join(delimiter.join(r) for r in [
        ("First name", "Last name", "Email"), ("Ana", "Lima, Jr", "al@mail.example.com"),
        ("Ben", "Ode", "bo@mail.example.com"),
    ]).replace("Lima, Jr", '"Lima, Jr"')  # fmt: skip
    job = run(workspace.rep, text + "\n")
    assert job.created == 2
    assert Person.objects.get(email="al@mail.example.com").last_name == "Lima, Jr"


def test_a_wrong_delimiter_gives_a_clear_error(workspace: Any, existing: Any) -> None:
    # Read with ';' although the file uses ',': one column, nothing maps to a key.
    job = upload(workspace.rep, HEADER + "Bo,Ek,bo@mail.example.com\n")
    job.delimiter = ";"
    job.save()
    from rapport.dataio.services import import_job_configure

    with pytest.raises(ValidationFailed) as exc:
        import_job_configure(actor=workspace.rep, job=job, data={"mapping": {}, "key": "email"})
    assert "mapped" in str(exc.value.detail)
    _unchanged(existing)


def test_formula_cells_are_kept_as_text(workspace: Any) -> None:
    text = HEADER + '=1+1,"@SUM(A1)",f@mail.example.com\n+cmd,-2,g@mail.example.com\n'
    job = run(workspace.rep, text)
    assert job.created == 2
    person = Person.objects.get(email="f@mail.example.com")
    assert (person.first_name, person.last_name) == ("=1+1", "@SUM(A1)")


def test_rtl_and_combining_characters_are_normalised(workspace: Any) -> None:
    decomposed = "Jose\u0301"  # e + combining acute
    text = HEADER + f"{decomposed},مريم,rtl@mail.example.com\n"
    job = run(workspace.rep, text)
    assert job.created == 1
    person = Person.objects.get(email="rtl@mail.example.com")
    assert person.first_name == "José" and len(person.first_name) == 4
    assert person.last_name == "مريم"


def test_binary_garbage_is_a_clear_error_or_rejected_rows(workspace: Any, existing: Any) -> None:
    garbage = bytes(range(256)) * 40
    try:
        job = run(workspace.rep, garbage, name="junk.csv")
    except ValidationFailed as exc:
        assert exc.detail
    else:
        assert job.status in (JobStatus.DONE, JobStatus.FAILED)
        assert job.created == 0
    _unchanged(existing)


def test_a_corrupt_xlsx_is_a_clear_error(workspace: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        upload(workspace.rep, b"PK\x03\x04 not really a zip", name="people.xlsx")
    assert "XLSX" in str(exc.value.detail)


def test_an_xlsx_zip_bomb_is_refused_before_it_is_parsed(workspace: Any) -> None:
    """A sheet whose shared strings unpack to 1,000 times the file's size (a 20 KB file
    holding a 20 MB string) is refused at upload, with the reason, before openpyxl
    loads those strings into the web process."""
    import tracemalloc
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["First Name", "Email"])
    sheet.append(["BOMB", "bomb@mail.example.com"])
    saved = io.BytesIO()
    book.save(saved)
    # The huge text written in by hand (openpyxl itself caps a cell's text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in src.infolist():
            data = src.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"BOMB", b"A" * 20_000_000)
            out.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    content = buffer.getvalue()
    assert len(content) < 100_000
    assert max(e.file_size for e in zipfile.ZipFile(io.BytesIO(content)).infolist()) > 20e6
    tracemalloc.start()
    try:
        with pytest.raises(ValidationFailed) as exc:
            upload(workspace.rep, content, name="people.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "zip bomb" in str(exc.value.detail)
    assert peak < 5_000_000  # the 20 MB string was never unpacked
    assert not ImportJob.objects.exists()


def test_a_bad_row_never_changes_the_record_it_matches(workspace: Any, existing: Any) -> None:
    text = HEADER + "Anna,Souza,ana@mail.example.com\n"
    job = run(workspace.rep, text, mapping={"Last name": "birthday"})
    assert job.rejected == 1
    _unchanged(existing)


def test_xlsx_import_with_formulas_and_dates(workspace: Any) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["First Name", "Last Name", "Email", "Birthdate", "Notes"])
    sheet.append(
        ["Ana", '=HYPERLINK("http://evil")', "x1@mail.example.com", dt.date(1990, 5, 17), ""]
    )
    sheet.append([None, None, None, None, None])
    sheet.append(["Ben", "Ode", "x2@mail.example.com", None, 42])
    buffer = io.BytesIO()
    book.save(buffer)
    job = run(workspace.rep, buffer.getvalue(), name="people.xlsx")
    assert job.created == 2
    ana = Person.objects.get(email="x1@mail.example.com")
    assert ana.last_name.startswith("=HYPERLINK") and str(ana.birthday) == "1990-05-17"


VCARD = """BEGIN:VCARD\r
VERSION:3.0\r
N:Souza;Ana;Maria;Dr.;\r
FN:Dr. Ana Maria Souza\r
EMAIL;TYPE=work:ana.v@mail.example.com\r
EMAIL;TYPE=home:ana.home@mail.example.com\r
TEL;TYPE=cell:+1 415 555 2671\r
ORG:Acme Bakery;Sales\r
TITLE:Head of\r
  sales\r
ADR;TYPE=work:;;12 Main St;Springfield;IL;62701;US\r
UID:urn:uuid:1234\r
CATEGORIES:vip,newsletter\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Ben Ode\r
N:Ode;Ben;;;\r
EMAIL:ben.v@mail.example.com\r
BDAY:19850203\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:2.1\r
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r
EMAIL:jm.v@mail.example.com\r
END:VCARD\r
"""


def test_vcard_import(workspace: Any) -> None:
    job = run(workspace.rep, VCARD, name="contacts.vcf")
    assert job.created == 3, list(job.issues.values_list("reason", flat=True))
    ana = Person.objects.get(email="ana.v@mail.example.com")
    assert (ana.honorific, ana.first_name, ana.middle_name, ana.last_name) == (
        "Dr.",
        "Ana",
        "Maria",
        "Souza",
    )
    assert sorted(ana.emails.values_list("email", flat=True)) == [
        "ana.home@mail.example.com",
        "ana.v@mail.example.com",
    ]
    assert ana.phone == "+14155552671" and ana.title == "Head of sales"
    assert ana.city == "Springfield" and ana.country == "US"
    assert sorted(ana.tags.values_list("name", flat=True)) == ["newsletter", "vip"]
    assert ana.affiliations.get().organization.name == "Acme Bakery"
    assert str(Person.objects.get(email="ben.v@mail.example.com").birthday) == "1985-02-03"
    assert Person.objects.get(email="jm.v@mail.example.com").first_name == "Jürgen"


def test_a_vcard_without_end_is_rejected_not_crashed(workspace: Any) -> None:
    job = run(workspace.rep, "BEGIN:VCARD\nFN:Ana\nEMAIL:a@mail.example.com\n", name="x.vcf")
    assert job.rejected == 1 and "END:VCARD" in job.issues.get().reason


def test_row_limit_is_a_clear_error(workspace: Any, settings: Any, existing: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "IMPORT_MAX_ROWS": 2}
    text = HEADER + "".join(f"P{i},Q,p{i}@mail.example.com\n" for i in range(3))
    job = run(workspace.rep, text)
    assert job.status == JobStatus.FAILED and "RAPPORT_IMPORT_MAX_ROWS" in job.message
    assert job.created == 0
    _unchanged(existing)


def test_file_size_limit_is_a_clear_error(workspace: Any, settings: Any) -> None:
    settings.RAPPORT = {**settings.RAPPORT, "IMPORT_MAX_BYTES": 10}
    with pytest.raises(ValidationFailed) as exc:
        upload(workspace.rep, HEADER)
    assert "RAPPORT_IMPORT_MAX_MB" in str(exc.value.detail)
    assert not ImportJob.objects.exists()
