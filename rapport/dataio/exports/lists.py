"""People and organisation lists as CSV (streamed) or XLSX (write-only workbook).

Rows come from the same selectors as the list pages (``ListFilter`` + visible_to),
read in chunks, so memory stays flat at a million rows. Column names are the
import's field labels, so an export imports back with the suggested mapping.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet

from rapport.accounts.models import User
from rapport.dataio.exports.sanitize import csv_safe
from rapport.people.custom_fields import definitions_for
from rapport.people.models import Organization
from rapport.people.selectors import (
    ListFilter,
    affiliations_seen_by,
    organization_list,
    person_list,
)

CHUNK = 2000
Column = tuple[str, Callable[[Any], Any]]


def _join(values: Any) -> str:
    return "; ".join(str(v) for v in values)


def _person_columns() -> list[Column]:
    columns: list[Column] = [
        ("Rapport id", lambda p: p.pk),
        ("Honorific", lambda p: p.honorific),
        ("First name", lambda p: p.first_name),
        ("Middle name", lambda p: p.middle_name),
        ("Last name", lambda p: p.last_name),
        ("Suffix", lambda p: p.suffix),
        ("E-mail", lambda p: _join(e.email for e in p.emails.all())),
        ("Phone", lambda p: _join(ph.number for ph in p.phones.all())),
        ("Job title", lambda p: p.title),
        ("Organisation", lambda p: next((a.organization_label for a in p.affiliations.all()), "")),
        ("Tags", lambda p: ", ".join(t.name for t in p.tags.all())),
        ("Lifecycle stage", lambda p: p.lifecycle_stage),
        ("E-mail consent", lambda p: p.email_consent),
        ("Birthday", lambda p: p.birthday.isoformat() if p.birthday else ""),
        ("Street", lambda p: p.street),
        ("City", lambda p: p.city),
        ("Region", lambda p: p.region),
        ("Postcode", lambda p: p.postcode),
        ("Country", lambda p: p.country),
        ("Source", lambda p: p.source),
        ("Owner", lambda p: p.owner.username if p.owner else ""),
        ("Team", lambda p: p.team.name if p.team else ""),
        ("Created", lambda p: p.created_at.isoformat()),
        ("Updated", lambda p: p.updated_at.isoformat()),
    ]
    return columns + _custom_columns("person")


def _org_columns() -> list[Column]:
    columns: list[Column] = [
        ("Rapport id", lambda o: o.pk),
        ("Name", lambda o: o.name),
        ("Domain", lambda o: o.domain),
        ("Phone", lambda o: o.phone),
        ("Industry", lambda o: o.industry),
        ("Size", lambda o: o.size),
        ("Relationship", lambda o: o.relationship_type),
        ("Tags", lambda o: ", ".join(t.name for t in o.tags.all())),
        ("Street", lambda o: o.street),
        ("City", lambda o: o.city),
        ("Region", lambda o: o.region),
        ("Postcode", lambda o: o.postcode),
        ("Country", lambda o: o.country),
        ("Owner", lambda o: o.owner.username if o.owner else ""),
        ("Team", lambda o: o.team.name if o.team else ""),
        ("Created", lambda o: o.created_at.isoformat()),
        ("Updated", lambda o: o.updated_at.isoformat()),
    ]
    return columns + _custom_columns("organization")


def _custom_columns(entity: str) -> list[Column]:
    def getter(key: str) -> Callable[[Any], Any]:
        return lambda record: record.custom_fields.get(key, "")

    return [(d.label, getter(d.key)) for d in definitions_for(entity)]


def export_queryset(*, user: User, entity: str, params: Any) -> tuple[QuerySet[Any], list[Column]]:
    flt = ListFilter.from_params(params)
    if entity == "person":
        qs = person_list(user=user, flt=flt).select_related("owner", "team").prefetch_related(
            "emails", "phones", "tags", affiliations_seen_by(user)
        )  # fmt: skip
        return qs, _person_columns()
    orgs: QuerySet[Organization] = organization_list(user=user, flt=flt)
    return orgs.select_related("owner", "team").prefetch_related("tags"), _org_columns()


def _values(qs: QuerySet[Any], columns: list[Column]) -> Iterator[list[Any]]:
    for record in qs.iterator(chunk_size=CHUNK):
        yield [csv_safe(get(record)) for _, get in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(qs: QuerySet[Any], columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel opens the UTF-8 file with the right accents
    yield writer.writerow([name for name, _ in columns])
    for values in _values(qs, columns):
        yield writer.writerow(values)


def xlsx_file(qs: QuerySet[Any], columns: list[Column], title: str) -> Any:
    """A temporary file holding the workbook (write-only: rows go straight to disk)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([name for name, _ in columns])
    for values in _values(qs, columns):
        row = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text says
            row.append(cell)
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
