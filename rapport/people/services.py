"""Writes for people and organisations: create, update, delete, restore.

Every write is atomic, checks permissions against ``rapport.accounts.access``,
bumps the record's version and records an audit event with the field changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.accounts.access import assignable_owner_ok, can_edit, require_writer
from rapport.accounts.models import Team, User
from rapport.core.audit import audit_record, diff_snapshots
from rapport.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from rapport.core.models import AuditAction
from rapport.dedupe.keys import person_keys_refresh
from rapport.people.custom_fields import clean_custom_fields
from rapport.people.models import (
    Affiliation,
    ConsentStatus,
    LifecycleStage,
    Organization,
    OrganizationSize,
    Person,
    PersonEmail,
    PersonPhone,
    RelationshipType,
    Tag,
)
from rapport.people.normalize import (
    InvalidValue,
    clean_text,
    normalize_domain,
    normalize_email,
    normalize_phone,
)
from rapport.people.search import build_search_text

PERSON_TEXT_FIELDS = {
    "honorific": 20, "first_name": 100, "middle_name": 100, "last_name": 100, "suffix": 20,
    "title": 150, "source": 100, "email_consent_method": 200,
    "street": 200, "city": 100, "region": 100, "postcode": 20, "country": 2,
}  # fmt: skip
ORG_TEXT_FIELDS = {
    "name": 200, "industry": 100, "street": 200, "city": 100, "region": 100, "postcode": 20, "country": 2,
}  # fmt: skip


def tags_get_or_create(names: Sequence[str]) -> list[Tag]:
    cleaned = sorted({clean_text(n, max_length=50) for n in names if clean_text(n)})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    for name in cleaned:
        if name not in existing:
            existing[name], _ = Tag.objects.get_or_create(name=name)
    return [existing[n] for n in cleaned]


def _check_version(record: Person | Organization, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != record.version:
        raise StaleVersion(
            f"This record changed since you loaded it (version {record.version}, "
            f"you had {expected_version}). Reload it and apply your change again."
        )


def _assign_owner_team(
    *,
    actor: User,
    record: Person | Organization,
    data: Mapping[str, Any],
    errors: dict[str, list[str]],
) -> None:
    if "owner" in data:
        owner = data["owner"]
        if owner is not None and not isinstance(owner, User):
            owner = User.objects.filter(pk=owner, is_active=True).first()
            if owner is None:
                errors["owner"] = ["No active user with that id."]
        if owner is not None and not assignable_owner_ok(actor, owner):
            errors["owner"] = ["You can only assign records to yourself or members of your teams."]
        elif "owner" not in errors:
            record.owner = owner
    if "team" in data:
        team = data["team"]
        if team is not None and not isinstance(team, Team):
            team = Team.objects.filter(pk=team).first()
            if team is None:
                errors["team"] = ["No team with that id."]
        if team is not None and not actor.is_admin and team.pk not in actor.team_ids:
            errors["team"] = ["You can only assign records to your own teams."]
        elif "team" not in errors:
            record.team = team


def _apply_text(
    record: Any, data: Mapping[str, Any], limits: Mapping[str, int], errors: dict[str, list[str]]
) -> None:
    for field, limit in limits.items():
        if field in data:
            try:
                value = clean_text(data[field], max_length=limit)
            except InvalidValue as exc:
                errors[field] = [f"This field {exc}"]
                continue
            setattr(record, field, value.upper() if field == "country" else value)


def _choice(
    record: Any,
    field: str,
    data: Mapping[str, Any],
    values: list[str],
    errors: dict[str, list[str]],
) -> None:
    if field in data:
        value = data[field] or ""
        if value not in values:
            errors[field] = [f"Must be one of: {', '.join(v for v in values if v)}."]
        else:
            setattr(record, field, value)


def _person_snapshot(person: Person) -> dict[str, Any]:
    snap = {f: getattr(person, f) for f in PERSON_TEXT_FIELDS}
    snap.update(
        birthday=person.birthday, lifecycle_stage=person.lifecycle_stage, email_consent=person.email_consent,
        email_consent_at=person.email_consent_at, owner=person.owner_id, team=person.team_id,
        custom_fields=dict(person.custom_fields),
    )  # fmt: skip
    if person.pk:
        snap["emails"] = list(person.emails.values_list("email", flat=True))
        snap["phones"] = list(person.phones.values_list("number", flat=True))
        snap["tags"] = sorted(person.tags.values_list("name", flat=True))
        snap["organizations"] = sorted(
            f"{a.organization_id}:{a.role}" for a in person.affiliations.all()
        )
    return snap


def _clean_list(
    values: Sequence[str], normalize: Any, field: str, errors: dict[str, list[str]]
) -> list[str]:
    cleaned: list[str] = []
    for raw in values:
        if not clean_text(raw):
            continue
        try:
            value = normalize(raw)
        except InvalidValue as exc:
            errors.setdefault(field, []).append(str(exc))
            continue
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def _apply_person(*, actor: User, person: Person, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and apply ``data`` to ``person`` (unsaved). Returns the related-row changes."""
    errors: dict[str, list[str]] = {}
    _apply_text(person, data, PERSON_TEXT_FIELDS, errors)
    _choice(person, "lifecycle_stage", data, LifecycleStage.values, errors)
    if "email_consent" in data:
        before = person.email_consent
        _choice(person, "email_consent", data, ConsentStatus.values, errors)
        if person.email_consent != before and "email_consent_at" not in data:
            person.email_consent_at = timezone.now()
    if "email_consent_at" in data:
        person.email_consent_at = data["email_consent_at"]
    if "birthday" in data:
        person.birthday = data["birthday"]
    _assign_owner_team(actor=actor, record=person, data=data, errors=errors)
    related: dict[str, Any] = {}
    if "emails" in data:
        related["emails"] = _clean_list(data["emails"], normalize_email, "emails", errors)
    if "phones" in data:
        related["phones"] = _clean_list(data["phones"], normalize_phone, "phones", errors)
    if "custom_fields" in data:
        try:
            person.custom_fields = clean_custom_fields(
                entity="person", values=data["custom_fields"], existing=person.custom_fields
            )
        except ValidationFailed as exc:
            errors.update(
                exc.detail if isinstance(exc.detail, dict) else {"custom_fields": [exc.detail]}
            )
    if "tags" in data:
        related["tags"] = data["tags"]
    if "organizations" in data:
        related["organizations"] = data["organizations"]
    if (
        not any((person.first_name, person.last_name))
        and not related.get("emails")
        and not person.email
    ):
        errors.setdefault("first_name", []).append("Give at least a name or an e-mail address.")
    if errors:
        raise ValidationFailed(errors)
    return related


def _save_person_related(*, person: Person, related: Mapping[str, Any]) -> None:
    if "emails" in related:
        person.emails.all().delete()
        PersonEmail.objects.bulk_create(
            PersonEmail(person=person, email=e, is_primary=i == 0)
            for i, e in enumerate(related["emails"])
        )
        person.email = related["emails"][0] if related["emails"] else ""
    if "phones" in related:
        person.phones.all().delete()
        PersonPhone.objects.bulk_create(
            PersonPhone(person=person, number=p, is_primary=i == 0)
            for i, p in enumerate(related["phones"])
        )
        person.phone = related["phones"][0] if related["phones"] else ""
    if "tags" in related:
        person.tags.set(tags_get_or_create(related["tags"]))
    if "organizations" in related:
        person.affiliations.all().delete()
        seen: set[int] = set()
        rows = []
        for i, item in enumerate(related["organizations"]):
            org_id = int(item["organization_id"])
            if org_id not in seen:
                seen.add(org_id)
                rows.append(
                    Affiliation(
                        person=person,
                        organization_id=org_id,
                        role=clean_text(item.get("role", ""))[:150],
                        is_primary=i == 0,
                    )
                )
        Affiliation.objects.bulk_create(rows)


def person_refresh_search(person: Person) -> None:
    org_names = Organization.objects.filter(affiliations__person=person).values_list(
        "name", flat=True
    )
    person.search_text = build_search_text(
        names=[person.first_name, person.middle_name, person.last_name],
        emails=person.emails.values_list("email", flat=True),
        phones=person.phones.values_list("number", flat=True),
        extra=list(org_names),
    )


def _check_org_ids(actor: User, related: Mapping[str, Any]) -> None:
    from rapport.accounts.access import visible_to

    if not related.get("organizations"):
        return
    wanted = {int(item["organization_id"]) for item in related["organizations"]}
    found = set(
        visible_to(Organization.objects.alive(), actor)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    missing = wanted - found
    if missing:
        raise ValidationFailed(
            {"organizations": [f"No organisation with id {', '.join(map(str, sorted(missing)))}."]}
        )


@transaction.atomic
def person_create(*, actor: User, data: Mapping[str, Any]) -> Person:
    require_writer(actor)
    person = Person(owner=actor)
    if actor.team_ids and not actor.is_admin:
        person.team_id = min(actor.team_ids)
    related = _apply_person(actor=actor, person=person, data=data)
    _check_org_ids(actor, related)
    person.save()
    _save_person_related(person=person, related=related)
    person_refresh_search(person)
    person.save(update_fields=["email", "phone", "search_text"])
    audit_record(actor=actor, action=AuditAction.CREATE, entity_type="person", entity_id=person.pk,
                 changes=diff_snapshots({}, _person_snapshot(person)))  # fmt: skip
    person_keys_refresh([person.pk])  # duplicate-check keys, same transaction
    return person


@transaction.atomic
def person_update(
    *, actor: User, person: Person, data: Mapping[str, Any], expected_version: int | None = None
) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not can_edit(actor, person):
        raise PermissionDenied("You may not change this person.")
    _check_version(person, expected_version)
    before = _person_snapshot(person)
    related = _apply_person(actor=actor, person=person, data=data)
    _check_org_ids(actor, related)
    _save_person_related(person=person, related=related)
    person_refresh_search(person)
    changes = diff_snapshots(before, _person_snapshot(person))
    if changes:
        person.version += 1
        person.updated_at = timezone.now()
        person.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="person",
            entity_id=person.pk,
            changes=changes,
        )
        person_keys_refresh([person.pk])  # duplicate-check keys, same transaction
    return person


def _soft_delete(
    *, actor: User, record: Person | Organization, entity_type: str, restore: bool
) -> None:
    if not can_edit(actor, record):
        raise PermissionDenied(f"You may not {'restore' if restore else 'delete'} this record.")
    record.deleted_at = None if restore else timezone.now()
    record.version += 1
    record.updated_at = timezone.now()
    record.save(update_fields=["deleted_at", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.RESTORE if restore else AuditAction.DELETE,
                 entity_type=entity_type, entity_id=record.pk)  # fmt: skip


@transaction.atomic
def person_delete(*, actor: User, person: Person, expected_version: int | None = None) -> None:
    _check_version(person, expected_version)
    _soft_delete(actor=actor, record=person, entity_type="person", restore=False)


@transaction.atomic
def person_restore(*, actor: User, person: Person) -> None:
    _soft_delete(actor=actor, record=person, entity_type="person", restore=True)


def _org_snapshot(org: Organization) -> dict[str, Any]:
    snap = {f: getattr(org, f) for f in ORG_TEXT_FIELDS}
    snap.update(domain=org.domain, size=org.size, relationship_type=org.relationship_type,
                owner=org.owner_id, team=org.team_id, custom_fields=dict(org.custom_fields))  # fmt: skip
    if org.pk:
        snap["tags"] = sorted(org.tags.values_list("name", flat=True))
    return snap


def _apply_org(*, actor: User, org: Organization, data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    _apply_text(org, data, ORG_TEXT_FIELDS, errors)
    _choice(org, "size", data, OrganizationSize.values, errors)
    _choice(org, "relationship_type", data, RelationshipType.values, errors)
    if "domain" in data:
        try:
            org.domain = normalize_domain(data["domain"] or "")
        except InvalidValue as exc:
            errors["domain"] = [str(exc)]
    _assign_owner_team(actor=actor, record=org, data=data, errors=errors)
    if "custom_fields" in data:
        try:
            org.custom_fields = clean_custom_fields(
                entity="organization", values=data["custom_fields"], existing=org.custom_fields
            )
        except ValidationFailed as exc:
            errors.update(
                exc.detail if isinstance(exc.detail, dict) else {"custom_fields": [exc.detail]}
            )
    if not org.name:
        errors.setdefault("name", []).append("An organisation needs a name.")
    if errors:
        raise ValidationFailed(errors)
    return {"tags": data["tags"]} if "tags" in data else {}


def _org_refresh_search(org: Organization) -> None:
    org.search_text = build_search_text(names=[org.name], extra=[org.domain])


@transaction.atomic
def organization_create(*, actor: User, data: Mapping[str, Any]) -> Organization:
    require_writer(actor)
    org = Organization(owner=actor)
    if actor.team_ids and not actor.is_admin:
        org.team_id = min(actor.team_ids)
    related = _apply_org(actor=actor, org=org, data=data)
    _org_refresh_search(org)
    org.save()
    if "tags" in related:
        org.tags.set(tags_get_or_create(related["tags"]))
    audit_record(actor=actor, action=AuditAction.CREATE, entity_type="organization", entity_id=org.pk,
                 changes=diff_snapshots({}, _org_snapshot(org)))  # fmt: skip
    return org


@transaction.atomic
def organization_update(
    *,
    actor: User,
    organization: Organization,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Organization:
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not can_edit(actor, org):
        raise PermissionDenied("You may not change this organisation.")
    _check_version(org, expected_version)
    before = _org_snapshot(org)
    related = _apply_org(actor=actor, org=org, data=data)
    if "tags" in related:
        org.tags.set(tags_get_or_create(related["tags"]))
    renamed = before["name"] != org.name
    _org_refresh_search(org)
    changes = diff_snapshots(before, _org_snapshot(org))
    if changes:
        org.version += 1
        org.updated_at = timezone.now()
        org.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="organization",
            entity_id=org.pk,
            changes=changes,
        )
    if renamed:
        # People are found by their organisation's name: refresh their search text.
        for person in Person.objects.filter(affiliations__organization=org):
            person_refresh_search(person)
            person.save(update_fields=["search_text"])
    return org


@transaction.atomic
def organization_delete(
    *, actor: User, organization: Organization, expected_version: int | None = None
) -> None:
    _check_version(organization, expected_version)
    _soft_delete(actor=actor, record=organization, entity_type="organization", restore=False)


@transaction.atomic
def organization_restore(*, actor: User, organization: Organization) -> None:
    _soft_delete(actor=actor, record=organization, entity_type="organization", restore=True)
