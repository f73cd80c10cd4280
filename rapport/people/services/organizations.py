"""Writes for organisations: create, update, delete, restore."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from rapport.accounts.access import require_writer
from rapport.accounts.models import User
from rapport.core.audit import diff_snapshots
from rapport.core.errors import ValidationFailed
from rapport.core.events import emit
from rapport.core.locking import check_version, column_values
from rapport.core.models import AuditAction
from rapport.people.custom_fields import clean_custom_fields
from rapport.people.limits import check_limit
from rapport.people.models import Organization, OrganizationSize, Person, RelationshipType
from rapport.people.normalize import InvalidValue, clean_text, normalize_domain, normalize_phone
from rapport.people.search import organization_search_text
from rapport.people.services.common import (
    apply_text,
    assign_owner_team,
    choice,
    lock_for_update,
    save_changes,
    soft_delete,
    tags_get_or_create,
)
from rapport.people.services.persons import people_refresh_search

ORG_TEXT_FIELDS = {
    "name": 200, "industry": 100, "street": 200, "city": 100, "region": 100, "postcode": 20, "country": 2,
}  # fmt: skip


def _org_snapshot(org: Organization) -> dict[str, Any]:
    snap = {f: getattr(org, f) for f in ORG_TEXT_FIELDS}
    snap.update(domain=org.domain, phone=org.phone, size=org.size, relationship_type=org.relationship_type,
                owner=org.owner_id, team=org.team_id, custom_fields=dict(org.custom_fields))  # fmt: skip
    if org.pk:
        snap["tags"] = sorted(org.tags.values_list("name", flat=True))
    return snap


def _apply_org(*, actor: User, org: Organization, data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    apply_text(org, data, ORG_TEXT_FIELDS, errors)
    choice(org, "size", data, OrganizationSize.values, errors)
    choice(org, "relationship_type", data, RelationshipType.values, errors)
    if "domain" in data:
        try:
            org.domain = normalize_domain(data["domain"] or "")
        except InvalidValue as exc:
            errors["domain"] = [str(exc)]
    if "phone" in data:
        _apply_phone(org, data["phone"], errors)
    assign_owner_team(actor=actor, record=org, data=data, errors=errors)
    if "custom_fields" in data:
        try:
            org.custom_fields = clean_custom_fields(
                entity="organization", values=data["custom_fields"], existing=org.custom_fields
            )
        except ValidationFailed as exc:
            errors.update(
                exc.detail if isinstance(exc.detail, dict) else {"custom_fields": [exc.detail]}
            )
    if "tags" in data:
        check_limit("tags", data["tags"], errors)
    if not org.name:
        errors.setdefault("name", []).append("An organisation needs a name.")
    if errors:
        raise ValidationFailed(errors)
    return {"tags": data["tags"]} if "tags" in data else {}


def _apply_phone(org: Organization, raw: Any, errors: dict[str, list[str]]) -> None:
    """The switchboard number in E.164, read with the default region like a person's."""
    text = clean_text(raw or "")
    try:
        org.phone = normalize_phone(text) if text else ""
    except InvalidValue as exc:
        errors["phone"] = [str(exc)]


def _org_refresh_search(org: Organization) -> None:
    org.search_text = organization_search_text(name=org.name, domain=org.domain, phone=org.phone)


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
    changes = diff_snapshots({}, _org_snapshot(org))
    emit("organization.created", entity_type="organization", entity_ids=[org.pk], actor=actor,
         changes=changes, audit=AuditAction.CREATE)  # fmt: skip
    return org


@transaction.atomic
def organization_update(
    *,
    actor: User,
    organization: Organization,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Organization:
    org = lock_for_update(actor=actor, record=organization, expected_version=expected_version,
                          noun="organisation")  # fmt: skip
    columns = column_values(org)
    before = _org_snapshot(org)
    related = _apply_org(actor=actor, org=org, data=data)
    if "tags" in related:
        org.tags.set(tags_get_or_create(related["tags"]))
    renamed = before["name"] != org.name
    _org_refresh_search(org)
    save_changes(actor=actor, record=org, entity_type="organization", before=before,
                 after=_org_snapshot(org), columns=columns)  # fmt: skip
    if renamed:
        # People are found by their organisation's name: refresh their search text in a
        # few queries however many work there (their duplicate-check keys follow the
        # organization.updated event, in dedupe's subscriber).
        people_refresh_search(Person.objects.filter(affiliations__organization=org))
    return org


@transaction.atomic
def organization_delete(
    *, actor: User, organization: Organization, expected_version: int | None = None
) -> None:
    check_version(organization, expected_version)
    soft_delete(actor=actor, record=organization, entity_type="organization", restore=False)


@transaction.atomic
def organization_restore(*, actor: User, organization: Organization) -> None:
    soft_delete(actor=actor, record=organization, entity_type="organization", restore=True)
