"""Writes for orders: create, update, delete; each atomic, permission-checked and audited.

Who may write an order follows its customer: a user may record, change or remove an
order exactly when they may edit the person or organisation who placed it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from rapport.accounts.access import can_edit, require_writer
from rapport.accounts.models import User
from rapport.core.audit import diff_snapshots
from rapport.core.errors import NotFound, PermissionDenied, ValidationFailed
from rapport.core.events import emit
from rapport.core.locking import changed_columns, column_values, lock_at_version, save_with_version
from rapport.core.models import AuditAction
from rapport.core.text import strip_nul
from rapport.people.models import Organization, Person
from rapport.sales.models import Order, OrderLine, OrderStatus, Product

ENTITY = "order"
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = Decimal("999999999999.99")
MAX_LINES = 500


def parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw or "").strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date as YYYY-MM-DD.") from exc


def parse_amount(raw: Any, *, label: str = "amount") -> Decimal:
    text = str(raw if raw is not None else "").strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"{label} {text!r} is not a number.") from exc
    if not value.is_finite():
        raise ValueError(f"{label} must be a finite number.")
    if value < 0:
        raise ValueError(f"{label} must not be negative.")
    if value > MAX_AMOUNT:
        raise ValueError(f"{label} is too large.")
    return value.quantize(Decimal("0.01"))


def parse_currency(raw: Any) -> str:
    text = str(raw or "").strip().upper()
    if not CURRENCY.match(text):
        raise ValueError(f"{text!r} is not a three-letter ISO 4217 currency code (e.g. EUR).")
    return text


def parse_status(raw: Any) -> str:
    text = str(raw or "").strip().lower() or OrderStatus.COMPLETED
    if text not in OrderStatus.values:
        raise ValueError(f"status must be one of: {', '.join(OrderStatus.values)}.")
    return text


def _customer(
    actor: User | None, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> Person | Organization | None:
    person, organization = data.get("person"), data.get("organization")
    if (person is None) == (organization is None):
        errors["customer"] = ["An order needs exactly one customer: a person or an organisation."]
        return None
    model: type[Person] | type[Organization] = Person if person is not None else Organization
    given = person if person is not None else organization
    field = "person" if person is not None else "organization"
    record = given if isinstance(given, model) else None
    if record is None:
        try:
            record = model.objects.filter(pk=int(given), deleted_at__isnull=True).first()  # type: ignore[arg-type]
        except (TypeError, ValueError):
            record = None
    # A customer the actor cannot see is reported exactly like a missing one (404),
    # so an order form cannot be used to probe which records exist.
    missing = NotFound(f"No such {field}, or you may not see it.")
    if record is None or record.deleted_at is not None:
        raise missing
    if actor is not None and not can_edit(actor, record):
        from rapport.accounts.access import visible_to

        if not visible_to(model.objects.filter(pk=record.pk), actor).exists():
            raise missing
        raise PermissionDenied(f"You may see this {field} but not record orders for them.")
    return record


def _lines(raw_lines: Any, errors: dict[str, list[str]]) -> list[OrderLine]:
    if not isinstance(raw_lines, Sequence) or isinstance(raw_lines, str):
        errors["lines"] = ["Must be a list of lines."]
        return []
    if len(raw_lines) > MAX_LINES:
        errors["lines"] = [f"At most {MAX_LINES} lines."]
        return []
    skus = {
        str(line.get("sku")) for line in raw_lines if isinstance(line, Mapping) and line.get("sku")
    }
    ids = {line.get("product_id") for line in raw_lines if isinstance(line, Mapping)} - {None}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    by_id = {p.pk: p for p in Product.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])}
    lines = []
    for number, line in enumerate(raw_lines, start=1):
        key = f"lines.{number}"
        if not isinstance(line, Mapping):
            errors[key] = ["Must be an object."]
            continue
        product = None
        if line.get("product_id") is not None:
            product = by_id.get(line["product_id"])
            if product is None:
                errors[key] = [f"There is no product {line['product_id']!r}."]
                continue
        elif line.get("sku"):
            product = products.get(str(line["sku"]))
            if product is None:
                errors[key] = [f"There is no product with SKU {line['sku']!r}."]
                continue
        try:
            quantity = Decimal(str(line.get("quantity", 1)))
            if not quantity.is_finite() or quantity <= 0:
                raise ValueError("quantity must be a positive number.")
            raw_price = line.get("unit_price")
            if raw_price is None and product is not None:
                raw_price = product.price
            unit_price = parse_amount(raw_price, label="unit price")
        except (ValueError, InvalidOperation) as exc:
            errors[key] = [str(exc) if isinstance(exc, ValueError) else "quantity is not a number."]
            continue
        description = str(line.get("description") or (product.name if product else ""))[:200]
        lines.append(
            OrderLine(
                product=product, description=description, quantity=quantity, unit_price=unit_price
            )
        )
    return lines


def clean_order_fields(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """Parse the plain fields present in ``data``; problems go to ``errors`` by field."""
    parsers: dict[str, Callable[[Any], Any]] = {
        "ordered_at": parse_date,
        "amount": parse_amount,
        "currency": parse_currency,
        "status": parse_status,
    }
    cleaned: dict[str, Any] = {}
    for name, parse in parsers.items():
        if name in data:
            try:
                cleaned[name] = parse(data[name])
            except ValueError as exc:
                errors[name] = [str(exc)]
    for name, limit in (("source", 50), ("external_ref", 100), ("note", 500)):
        if name in data:
            text = strip_nul(str(data[name] or "")).strip()  # the CSV import comes here too
            if len(text) > limit:
                errors[name] = [f"At most {limit} characters."]
            cleaned[name] = text[:limit]
    return cleaned


def _snapshot(order: Order) -> dict[str, Any]:
    return {
        "person": order.person_id,
        "organization": order.organization_id,
        "ordered_at": order.ordered_at,
        "amount": order.amount,
        "currency": order.currency,
        "status": order.status,
        "source": order.source,
        "external_ref": order.external_ref,
        "note": order.note,
    }


def _save_lines(order: Order, lines: list[OrderLine]) -> None:
    order.lines.all().delete()
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)


def _duplicate_ref(order: Order) -> ValidationFailed:
    return ValidationFailed(
        {"external_ref": [f"An order from {order.source or 'this source'} has this reference."]}
    )


@transaction.atomic
def order_create(*, actor: User | None, data: Mapping[str, Any]) -> Order:
    """Record an order. ``actor=None`` is the system (imports run from the command line)."""
    if actor is not None:
        require_writer(actor)
    errors: dict[str, list[str]] = {}
    customer = _customer(actor, data, errors)
    fields = clean_order_fields(data, errors)
    lines = _lines(data["lines"], errors) if data.get("lines") else []
    for required in ("ordered_at", "currency"):
        if required not in data:
            errors.setdefault(required, ["This field is required."])
    if "amount" not in data and not lines:
        errors.setdefault("amount", ["Give an amount, or lines to add up."])
    if errors:
        raise ValidationFailed(errors)
    if "amount" not in fields:
        fields["amount"] = sum((ln.quantity * ln.unit_price for ln in lines), Decimal(0)).quantize(
            Decimal("0.01")
        )
    order = Order(created_by=actor if actor is not None else None, **fields)
    if isinstance(customer, Person):
        order.person = customer
    else:
        order.organization = customer
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError as exc:
        raise _duplicate_ref(order) from exc
    _save_lines(order, lines)
    emit("order.created", entity_type=ENTITY, entity_ids=[order.pk], actor=actor,
         changes=diff_snapshots({}, _snapshot(order)), audit=AuditAction.CREATE)  # fmt: skip
    return order


def _locked(order: Order, expected_version: int | None) -> Order:
    return lock_at_version(
        Order, order.pk, expected_version, missing="This order no longer exists.",
        stale="This order changed since you loaded it (version {version}, you had {expected}). "
        "Reload it and apply your change again.",
    )  # fmt: skip


def _require_customer_editable(actor: User | None, order: Order) -> None:
    if actor is None:
        return
    require_writer(actor)
    if not can_edit(actor, order.customer):
        raise PermissionDenied("You may see this order but not change it.")


@transaction.atomic
def order_update(
    *, actor: User | None, order: Order, data: Mapping[str, Any], expected_version: int | None
) -> Order:
    """Change the fields present in ``data`` (``lines``, if given, replaces all lines)."""
    _require_customer_editable(actor, order)
    order = _locked(order, expected_version)
    columns = column_values(order)
    before = _snapshot(order)
    errors: dict[str, list[str]] = {}
    if "person" in data or "organization" in data:
        customer = _customer(actor, data, errors)
        order.person = customer if isinstance(customer, Person) else None
        order.organization = customer if isinstance(customer, Organization) else None
    fields = clean_order_fields(data, errors)
    lines = _lines(data["lines"], errors) if data.get("lines") is not None else None
    if errors:
        raise ValidationFailed(errors)
    for name, value in fields.items():
        setattr(order, name, value)
    if lines is not None and "amount" not in fields and lines:
        order.amount = sum((ln.quantity * ln.unit_price for ln in lines), Decimal(0)).quantize(
            Decimal("0.01")
        )
    changes = diff_snapshots(before, _snapshot(order))
    if not changes and lines is None:
        return order
    try:
        with transaction.atomic():
            save_with_version(order, changed_columns(order, columns))
    except IntegrityError as exc:
        raise _duplicate_ref(order) from exc
    if lines is not None:
        _save_lines(order, lines)
        changes["lines"] = [None, len(lines)]
    emit("order.updated", entity_type=ENTITY, entity_ids=[order.pk], actor=actor,
         changes=changes, audit=AuditAction.UPDATE)  # fmt: skip
    return order


@transaction.atomic
def order_delete(*, actor: User | None, order: Order, expected_version: int | None) -> None:
    """Remove an order for good (orders have no trash; the audit keeps what it was)."""
    _require_customer_editable(actor, order)
    order = _locked(order, expected_version)
    snapshot = _snapshot(order)
    pk = order.pk
    order.delete()
    emit("order.deleted", entity_type=ENTITY, entity_ids=[pk], actor=actor,
         changes=diff_snapshots(snapshot, {}), audit=AuditAction.DELETE)  # fmt: skip
