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

from django.db import models, transaction
from django.utils import timezone

from rapport.accounts.access_dataio import may_use_gdpr_tools
from rapport.accounts.models import User
from rapport.core.audit import audit_history, audit_redact
from rapport.core.erasure import ErasedPerson, run_person_erasers, same_person_ids
from rapport.core.errors import PermissionDenied
from rapport.core.events import emit
from rapport.core.locking import save_with_version
from rapport.core.models import AuditAction, AuditEvent
from rapport.dataio.exports.sanitize import csv_safe
from rapport.dataio.models import Erasure, ExternalId
from rapport.people.models import Affiliation, Person, PersonEmail, PersonPhone

ERASED_FIRST_NAME = "Erased"
ERASED_LAST_NAME = "person"
# Columns of the person row that identify someone, and what they become.
PERSONAL_FIELDS: dict[str, Any] = {
    "honorific": "", "first_name": ERASED_FIRST_NAME, "middle_name": "",
    "last_name": ERASED_LAST_NAME, "suffix": "", "email": "", "phone": "", "title": "",
    "birthday": None, "street": "", "city": "", "region": "", "postcode": "", "country": "",
    "email_consent_method": "", "custom_fields": {}, "search_text": "",
}  # fmt: skip


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
    with transaction.atomic():
        emit("person.exported", entity_type="person", entity_ids=[person.pk], actor=actor,
             changes={"gdpr_export": [None, actor.username]}, audit=AuditAction.UPDATE)  # fmt: skip
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
    """Anonymise the person in place, with every record known to be them (a merged
    duplicate in the trash), scrub their past audit events, and let every app erase
    what it holds about them (``rapport.core.erasure``)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not may_use_gdpr_tools(actor, person):
        raise PermissionDenied("Only an admin, or a manager of this person's team, can erase.")
    ids = same_person_ids(person.pk)
    erased = _former_values(ids)
    for record in Person.objects.select_for_update().filter(pk__in=ids):
        _anonymise(record)
    PersonEmail.objects.filter(person_id__in=ids).delete()
    PersonPhone.objects.filter(person_id__in=ids).delete()
    Affiliation.objects.filter(person_id__in=ids).delete()
    ExternalId.objects.filter(person_id__in=ids).delete()
    run_person_erasers(erased)
    for pk in ids:
        _redact_audit(pk)
    _redact_other_audit(erased)
    erasure = Erasure.objects.create(person=person, person_ref=person.pk, erased_by=actor,
                                     erased_by_label=actor.username,
                                     reason=erased.redact(reason)[:500])  # fmt: skip
    emit("person.erased", entity_type="person", entity_ids=[person.pk], actor=actor,
         audit=AuditAction.ERASE)  # fmt: skip
    return erasure


def _former_values(ids: list[int]) -> ErasedPerson:
    people = list(Person.objects.filter(pk__in=ids))
    full_names = {p.full_name.strip() for p in people}
    full_names |= {f"{p.first_name} {p.last_name}".strip() for p in people}
    firsts = {p.first_name.strip() for p in people}
    lasts = {p.last_name.strip() for p in people}
    names = {p.middle_name.strip() for p in people}
    emails = {p.email for p in people} | set(
        PersonEmail.objects.filter(person_id__in=ids).values_list("email", flat=True)
    )
    phones = {p.phone for p in people} | set(
        PersonPhone.objects.filter(person_id__in=ids).values_list("number", flat=True)
    )
    # Names and numbers they had before (a rename, a merge): the history holds them.
    for event in AuditEvent.objects.filter(entity_type="person", entity_id__in=ids):
        for key, value in (event.changes or {}).items():
            found = {v.strip() for v in _strings(value) if v.strip()}
            if key == "first_name":
                firsts |= found
            elif key == "last_name":
                lasts |= found
            elif key == "middle_name":
                names |= found
            elif key in ("email", "emails"):
                emails |= found
            elif key in ("phone", "phones"):
                phones |= found
    full_names |= {f"{first} {last}" for first in firsts for last in lasts if first and last}
    names |= firsts | lasts
    return ErasedPerson(
        person_ids=tuple(ids),
        full_names=tuple(n for n in full_names if " " in n),
        names=tuple(n for n in names if n),
        emails=tuple(e for e in emails if e),
        phones=tuple(n for n in phones if n),
        addresses=tuple(p.street.strip() for p in people if p.street.strip()),
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _anonymise(person: Person) -> None:
    for field, value in PERSONAL_FIELDS.items():
        setattr(person, field, value)
    person.email_consent_at = None
    save_with_version(person, [*PERSONAL_FIELDS, "email_consent_at"])


def _redact_other_audit(erased: ErasedPerson) -> None:
    """Other records' history that quotes the person (a note's text, an order's note)."""
    candidates = AuditEvent.objects.exclude(entity_type="person", entity_id__in=erased.person_ids)
    ids = [
        pk
        for pk, changes in candidates.filter(erased.mentioned("changes")).values_list(
            "pk", "changes"
        )
        if erased.mentioned_in_json(changes)
    ]
    audit_redact(ids)


def _redact_audit(person_id: int) -> None:
    """The only UPDATE the audit table accepts: ``changes`` set to the redaction marker."""
    audit_redact(
        list(
            AuditEvent.objects.filter(entity_type="person", entity_id=person_id).values_list(
                "pk", flat=True
            )
        )
    )
