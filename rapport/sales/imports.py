"""CSV import of orders, idempotent on (source, external_ref).

Columns (header row required, names case-insensitive):
  customer key column — ``email``, ``external_id`` (the person's ``external_id`` custom
  field) or ``person_id``, as chosen with ``customer_key``;
  ``date`` (or ``ordered_at``), ``amount``, ``currency`` (optional: default currency),
  ``external_ref`` (optional but needed to re-import safely), ``status``, ``note``.
Every row is checked first; if any row has a problem nothing is written and each
problem is reported by line and column. Re-importing a file updates changed orders
and leaves unchanged ones alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction

from rapport.accounts.access import can_edit
from rapport.accounts.models import User
from rapport.core.audit import diff_snapshots
from rapport.core.errors import ValidationFailed
from rapport.core.events import Audit, emit
from rapport.core.models import AuditAction
from rapport.core.params import id_or_none
from rapport.people.models import Person, PersonEmail
from rapport.people.normalize import InvalidValue, normalize_email
from rapport.sales.models import Order
from rapport.sales.services import clean_order_fields

CustomerKey = Literal["email", "external_id", "person_id"]
CUSTOMER_KEYS: tuple[CustomerKey, ...] = ("email", "external_id", "person_id")
MAX_ERRORS = 200
BATCH = 1000
DATE_COLUMNS = ("date", "ordered_at")


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            return f"{len(self.problems)} problem(s) in {self.rows} rows; nothing was imported."
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} rows: {self.created} orders {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )


@dataclass
class _Row:
    line: int
    key: str
    fields: dict[str, Any]


def _read(handle: Iterable[str]) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    reader = csv.reader(handle)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration as exc:
        raise ValidationFailed({"file": ["The file is empty; it needs a header row."]}) from exc

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            yield reader.line_num, dict(zip(header, values, strict=False))

    return header, rows()


def _customer_ids(key: CustomerKey, values: set[str], user: User | None) -> dict[str, Person]:
    """Customer key value → person, among live people the importing user may edit."""
    people = Person.objects.filter(deleted_at__isnull=True)
    if key == "email":
        emails = PersonEmail.objects.filter(email__in=values, person__in=people)
        found = {e.email: e.person for e in emails.select_related("person")}
    elif key == "person_id":
        ids = [i for i in map(id_or_none, values) if i is not None]
        found = {str(p.pk): p for p in people.filter(pk__in=ids)}
    else:
        found = {str(p.custom_fields.get("external_id")): p for p in
                 people.filter(custom_fields__external_id__in=list(values))}  # fmt: skip
    if user is not None:
        found = {k: p for k, p in found.items() if can_edit(user, p)}
    return found


def _parse(
    line: int, raw: dict[str, str], key: CustomerKey, default_currency: str,
    problems: list[ImportProblem],
) -> _Row | None:  # fmt: skip
    data: dict[str, Any] = {"currency": raw.get("currency") or default_currency}
    date_column = next((c for c in DATE_COLUMNS if c in raw), "date")
    data["ordered_at"] = raw.get(date_column, "")
    for name in ("amount", "status", "external_ref", "note"):
        if name in raw:
            data[name] = raw[name]
    errors: dict[str, list[str]] = {}
    fields = clean_order_fields(data, errors)
    customer = (raw.get(key) or "").strip()
    if not customer:
        errors[key] = ["is empty."]
    elif key == "email":
        try:
            customer = normalize_email(customer)
        except InvalidValue as exc:
            errors[key] = [str(exc)]
    column_of = {"ordered_at": date_column}
    for name, messages in errors.items():
        for message in messages:
            problems.append(ImportProblem(line, column_of.get(name, name), message))
    return None if errors else _Row(line, customer, fields)


def import_orders(
    handle: Iterable[str],
    *,
    user: User | None,
    customer_key: CustomerKey = "email",
    source: str = "csv",
    default_currency: str = "EUR",
    dry_run: bool = False,
) -> ImportReport:
    """Check every row, then (unless ``dry_run`` or a row failed) write them in one go."""
    if customer_key not in CUSTOMER_KEYS:
        raise ValidationFailed({"customer_key": [f"Use one of: {', '.join(CUSTOMER_KEYS)}."]})
    header, rows = _read(handle)
    report = ImportReport(dry_run=dry_run)
    missing = [c for c in (customer_key, "amount") if c not in header]
    if not any(c in header for c in DATE_COLUMNS):
        missing.append("date")
    if missing:
        report.problems = [ImportProblem(1, c, "this column is missing.") for c in missing]
        return report
    parsed: list[_Row] = []
    for line, raw in rows:
        report.rows += 1
        row = _parse(line, raw, customer_key, default_currency, report.problems)
        if row is not None:
            parsed.append(row)
        if len(report.problems) >= MAX_ERRORS:
            break
    customers = _customer_ids(customer_key, {r.key for r in parsed}, user)
    for row in parsed:
        if row.key not in customers:
            report.problems.append(ImportProblem(
                row.line, customer_key, f"no person {row.key!r} that you may edit."))  # fmt: skip
    if report.problems:
        report.problems = report.problems[:MAX_ERRORS]
        return report
    _write(parsed, customers, user=user, source=source, report=report)
    return report


def _write(
    rows: list[_Row], customers: dict[str, Person], *, user: User | None, source: str,
    report: ImportReport,
) -> None:  # fmt: skip
    refs = [r.fields["external_ref"] for r in rows if r.fields.get("external_ref")]
    existing: dict[str, Order] = {}
    for start in range(0, len(refs), BATCH):
        for order in Order.objects.filter(
            source=source, external_ref__in=refs[start : start + BATCH]
        ):
            existing[order.external_ref] = order
    new: list[Order] = []
    changed: list[tuple[Order, dict[str, list[Any]]]] = []
    for row in rows:
        person = customers[row.key]
        values = {**row.fields, "person_id": person.pk, "organization_id": None}
        found = existing.get(row.fields.get("external_ref") or "")
        if found is None:
            new.append(Order(source=source, created_by=user, **values))
            continue
        order = found
        before = {k: getattr(order, k) for k in values}
        diff = diff_snapshots(before, values)
        if diff:
            for name, value in values.items():
                setattr(order, name, value)
            order.version += 1
            changed.append((order, diff))
        else:
            report.unchanged += 1
    report.created, report.updated = len(new), len(changed)
    if report.dry_run:
        return
    with transaction.atomic():
        created = Order.objects.bulk_create(new, batch_size=BATCH)
        update_fields = ["person_id", "organization_id", "ordered_at", "amount", "currency",
                         "status", "note", "version"]  # fmt: skip
        Order.objects.bulk_update([o for o, _ in changed], update_fields, batch_size=BATCH)
        if created and created[0].pk is None:  # backends without RETURNING: read them back
            created = list(Order.objects.filter(source=source, external_ref__in=refs))
        audits = [Audit(o.pk, AuditAction.CREATE, {"source": [None, source], "amount": [None, o.amount]})
                  for o in created if o.pk] + [Audit(o.pk, AuditAction.UPDATE, diff) for o, diff in changed]  # fmt: skip
        if audits:  # one event for the batch, with every order it created or changed
            emit("order.imported", entity_type="order", entity_ids=[a.entity_id for a in audits],
                 actor=user, audit=audits)  # fmt: skip


def import_orders_text(text: str, **kwargs: Any) -> ImportReport:
    return import_orders(io.StringIO(text.lstrip("\ufeff")), **kwargs)
