"""GDPR: export everything held about one person; erase a person (anonymise in place).

Related rows are found through ``Person._meta.related_objects``, so what other
apps attach to a person (orders, activities…) is exported without this module
knowing those apps. Erasure keeps the row (and what hangs off it, such as order
amounts) but removes what identifies the person, including the old values the
audit trail holds: those events' ``changes`` become ``{"redacted": "erased"}``,
the one update the audit table's trigger allows (migration 0002 of this app).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import uuid
import zipfile
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from rapport.accounts.access import access_record
from rapport.accounts.models import Role, User
from rapport.core.audit import audit_history, audit_record
from rapport.core.errors import PermissionDenied
from rapport.core.models import AuditAction, AuditEvent
from rapport.dataio.exports.sanitize import csv_safe
from rapport.dataio.models import Erasure, ExternalId
from rapport.people.models import Affiliation, Person, PersonEmail, PersonPhone

REDACTED = {"redacted": "erased"}
ERASED_FIRST_NAME = "Erased"
ERASED_LAST_NAME = "person"
# Columns of the person row that identify someone, and what they become.
PERSONAL_FIELDS: dict[str, Any] = {
    "honorific": "", "first_name": ERASED_FIRST_NAME, "middle_name": "",
    "last_name": ERASED_LAST_NAME, "suffix": "", "email": "", "phone": "", "title": "",
    "birthday": None, "street": "", "city": "", "region": "", "postcode": "", "country": "",
    "email_consent_method": "", "custom_fields": {}, "search_text": "",
}  # fmt: skip


def may_use_gdpr_tools(user: User, person: Person) -> bool:
    """Admins for anyone; managers for the people of their teams (and their own)."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return user.role == Role.MANAGER and (
        person.owner_id == user.pk or person.team_id in user.team_ids
    )


def gdpr_person(*, user: User, pk: int) -> Person:
    person = access_record(Person.objects.all(), user, pk=pk)
    if not may_use_gdpr_tools(user, person):
        raise PermissionDenied("Only an admin, or a manager of this person's team, can do this.")
    return person


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "<binary>"
    if isinstance(value, models.Model):
        return value.pk
    return value


def _row(instance: models.Model) -> dict[str, Any]:
    return {f.attname: _plain(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def related_data(person: Person) -> dict[str, list[dict[str, Any]]]:
    """Every row pointing at the person, by ``app_label.model``, found generically."""
    result: dict[str, list[dict[str, Any]]] = {}
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type):
            continue
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if relation.many_to_many:
            if relation.through is None:  # type: ignore[attr-defined]
                continue
            through = relation.through  # type: ignore[attr-defined]
            field_name = next(
                f.name for f in through._meta.fields
                if isinstance(f, models.ForeignKey) and f.related_model is Person
            )  # fmt: skip
            rows = through._default_manager.filter(**{field_name: person})
            label = f"{through._meta.app_label}.{through._meta.model_name}"
        else:
            rows = model._default_manager.filter(**{relation.field.name: person})
        result[label] = [_row(r) for r in rows.order_by("pk")]
    # Forward many-to-many (tags) and the tag names themselves.
    result["people.person_tags"] = [{"tag": t.name} for t in person.tags.all()]
    return result


def person_export(*, actor: User, person: Person) -> bytes:
    """A zip with person.json (everything) and one CSV per kind of data."""
    history = [
        {
            "at": e.created_at.isoformat(),
            "actor": e.actor_label,
            "action": e.action,
            "changes": e.changes,
        }
        for e in audit_history(entity_type="person", entity_id=person.pk).order_by("created_at")
    ]
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "exported_by": actor.username,
        "profile": _row(person),
        "related": related_data(person),
        "audit_history": history,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        archive.writestr("profile.csv", _csv([data["profile"]]))
        for label, rows in data["related"].items():
            if rows:
                archive.writestr(f"{label}.csv", _csv(rows))
        archive.writestr("audit_history.csv", _csv([
            {**h, "changes": json.dumps(h["changes"], ensure_ascii=False)} for h in history
        ]))  # fmt: skip
    audit_record(actor=actor, action=AuditAction.UPDATE, entity_type="person",
                 entity_id=person.pk, changes={"gdpr_export": [None, actor.username]})  # fmt: skip
    return buffer.getvalue()


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe(_cell(row.get(c))) for c in columns])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else value


@transaction.atomic
def person_erase(*, actor: User, person: Person, reason: str = "") -> Erasure:
    """Anonymise the person in place and scrub their past audit events."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not may_use_gdpr_tools(actor, person):
        raise PermissionDenied("Only an admin, or a manager of this person's team, can erase.")
    for field, value in PERSONAL_FIELDS.items():
        setattr(person, field, value)
    person.email_consent_at = None
    person.version += 1
    person.updated_at = timezone.now()
    person.save()
    PersonEmail.objects.filter(person=person).delete()
    PersonPhone.objects.filter(person=person).delete()
    Affiliation.objects.filter(person=person).delete()
    ExternalId.objects.filter(person=person).delete()
    _erase_in_other_apps(person)
    _redact_audit(person.pk)
    erasure = Erasure.objects.create(person=person, person_ref=person.pk, erased_by=actor,
                                     erased_by_label=actor.username, reason=reason[:500])  # fmt: skip
    audit_record(actor=actor, action=AuditAction.ERASE, entity_type="person",
                 entity_id=person.pk, changes={})  # fmt: skip
    return erasure


def _erase_in_other_apps(person: Person) -> None:
    """Models that hold personal text about a person may define a classmethod
    ``erase_personal_data(queryset)``; it gets the person's rows. Others are kept."""
    for relation in Person._meta.related_objects:
        model = relation.related_model
        hook = getattr(model, "erase_personal_data", None)
        if isinstance(model, type) and callable(hook) and not relation.many_to_many:
            hook(model._default_manager.filter(**{relation.field.name: person}))


def _redact_audit(person_id: int) -> None:
    """The only UPDATE the audit table accepts: ``changes`` set to the redaction marker."""
    table = AuditEvent._meta.db_table
    marker = json.dumps(REDACTED)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET changes = %s{cast} WHERE entity_type = 'person' "  # noqa: S608 -- our table
            "AND entity_id = %s",
            [marker, person_id],
        )
