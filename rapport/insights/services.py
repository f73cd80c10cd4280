"""Writes for insights: asking for a recompute, strategic flags, segments, settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.accounts.access import access_record, require_writer
from rapport.accounts.access_insights import can_recompute, require_segment_owner
from rapport.accounts.models import User
from rapport.core.audit import audit_record, diff_snapshots
from rapport.core.errors import Conflict, PermissionDenied, ValidationFailed
from rapport.core.locking import check_version, lock_at_version, save_with_version
from rapport.core.models import AuditAction
from rapport.insights.models import (
    InsightsSettings,
    ModelRun,
    PurchaseModelChoice,
    RunStatus,
    Segment,
    SegmentEntity,
    StrategicFlag,
    StrategicKind,
)
from rapport.insights.segments import clean_definition
from rapport.people.models import Organization, Person

STUCK_AFTER = dt.timedelta(hours=2)
STALE_SEGMENT = "This segment changed since you loaded it; reload it and try again."


def recompute_request(*, actor: User) -> ModelRun:
    """Queue a recompute (managers and admins). One at a time: a running one is returned."""
    if not can_recompute(actor):
        raise PermissionDenied("Only managers and admins can recompute the value models.")
    recent = timezone.now() - STUCK_AFTER
    active = ModelRun.objects.filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__gte=recent
    ).first()
    if active is not None:
        return active
    run = ModelRun.objects.create(triggered_by=actor, message="Waiting for the worker")
    from rapport.insights.tasks import recompute_run

    transaction.on_commit(lambda: recompute_run(run.pk))
    return run


def _customer(actor: User, entity: str, pk: int) -> Person | Organization:
    model: type[Person] | type[Organization] = Person if entity == "person" else Organization
    return access_record(model.objects.all(), actor, pk=pk, for_write=True)


@transaction.atomic
def strategic_flag_set(
    *, actor: User, entity: str, pk: int, kind: str, reason: str
) -> StrategicFlag:
    """Mark a customer as strategically significant, with a reason (one flag per kind)."""
    require_writer(actor)
    customer = _customer(actor, entity, pk)
    errors: dict[str, list[str]] = {}
    if kind not in StrategicKind.values:
        errors["kind"] = [f"Must be one of: {', '.join(StrategicKind.values)}."]
    reason = " ".join(str(reason or "").split())
    if not reason:
        errors["reason"] = ["Say why: a strategic flag needs a reason."]
    elif len(reason) > 500:
        errors["reason"] = ["At most 500 characters."]
    if errors:
        raise ValidationFailed(errors)
    lookup: dict[str, Any] = {entity: customer, "kind": kind}
    flag, _ = StrategicFlag.objects.update_or_create(
        **lookup,
        defaults={"reason": reason, "set_by": actor, "set_at": timezone.now()},
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, entity_type=entity, entity_id=customer.pk,
                 changes={"strategic_flag": [None, f"{kind}: {reason}"]})  # fmt: skip
    return flag


@transaction.atomic
def strategic_flag_remove(*, actor: User, entity: str, pk: int, kind: str) -> None:
    require_writer(actor)
    customer = _customer(actor, entity, pk)
    deleted, _ = StrategicFlag.objects.filter(**{entity: customer, "kind": kind}).delete()
    if deleted:
        audit_record(actor=actor, action=AuditAction.UPDATE, entity_type=entity,
                     entity_id=customer.pk, changes={"strategic_flag": [kind, None]})  # fmt: skip


def _segment_fields(
    data: Mapping[str, Any], *, entity: str, errors: dict[str, list[str]]
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "name" in data:
        name = " ".join(str(data["name"] or "").split())
        if not name:
            errors["name"] = ["A segment needs a name."]
        elif len(name) > 100:
            errors["name"] = ["At most 100 characters."]
        fields["name"] = name
    if "shared" in data:
        fields["shared"] = bool(data["shared"])
    if "definition" in data:
        try:
            fields["definition"] = clean_definition(entity, data["definition"])
        except ValidationFailed as exc:
            assert isinstance(exc.detail, dict)
            errors.update(exc.detail)
    return fields


@transaction.atomic
def segment_create(*, actor: User, data: Mapping[str, Any]) -> Segment:
    """Any signed-in user may save segments; only managers and admins may share them."""
    entity = str(data.get("entity") or SegmentEntity.PERSON)
    errors: dict[str, list[str]] = {}
    if entity not in SegmentEntity.values:
        raise ValidationFailed({"entity": [f"Must be one of: {', '.join(SegmentEntity.values)}."]})
    fields = _segment_fields({"definition": [], **data}, entity=entity, errors=errors)
    if "name" not in fields:
        errors["name"] = ["A segment needs a name."]
    if fields.get("shared") and not can_recompute(actor):
        errors["shared"] = ["Only managers and admins can share a segment with everyone."]
    if errors:
        raise ValidationFailed(errors)
    segment = Segment.objects.create(owner=actor, entity=entity, **fields)
    audit_record(actor=actor, action=AuditAction.CREATE, entity_type="segment",
                 entity_id=segment.pk, changes=diff_snapshots({}, fields))  # fmt: skip
    return segment


@transaction.atomic
def segment_update(
    *, actor: User, segment: Segment, data: Mapping[str, Any], expected_version: int | None
) -> Segment:
    require_segment_owner(actor, segment)
    segment = lock_at_version(Segment, segment.pk, expected_version, stale=STALE_SEGMENT)
    if "entity" in data and data["entity"] != segment.entity:
        raise Conflict("A segment's entity cannot change; make a new segment.")
    errors: dict[str, list[str]] = {}
    fields = _segment_fields(data, entity=segment.entity, errors=errors)
    if fields.get("shared") and not segment.shared and not can_recompute(actor):
        errors["shared"] = ["Only managers and admins can share a segment with everyone."]
    if errors:
        raise ValidationFailed(errors)
    before = {k: getattr(segment, k) for k in fields}
    changes = diff_snapshots(before, fields)
    if not changes:
        return segment
    for name, value in fields.items():
        setattr(segment, name, value)
    save_with_version(segment, fields)
    audit_record(actor=actor, action=AuditAction.UPDATE, entity_type="segment",
                 entity_id=segment.pk, changes=changes)  # fmt: skip
    return segment


@transaction.atomic
def segment_delete(*, actor: User, segment: Segment, expected_version: int | None = None) -> None:
    require_segment_owner(actor, segment)
    check_version(segment, expected_version, stale=STALE_SEGMENT)
    pk = segment.pk
    segment.delete()
    audit_record(actor=actor, action=AuditAction.DELETE, entity_type="segment", entity_id=pk)


def insights_settings_update(*, actor: User, data: Mapping[str, Any]) -> InsightsSettings:
    """Admins choose the purchase model, the horizon, margin and discount rate."""
    if not actor.is_admin:
        raise PermissionDenied("Only an admin can change the value model settings.")
    settings = InsightsSettings.current()
    errors: dict[str, list[str]] = {}
    model = data.get("purchase_model", settings.purchase_model)
    if model not in PurchaseModelChoice.values:
        errors["purchase_model"] = [f"Must be one of: {', '.join(PurchaseModelChoice.values)}."]
    settings.purchase_model = model
    for name, low, high in (("horizon_weeks", 1, 520), ("margin", 0, 1),
                            ("annual_discount_rate", 0, 1), ("at_risk_p_alive", 0, 1)):  # fmt: skip
        if name in data:
            try:
                value = float(data[name])
            except (TypeError, ValueError):
                errors[name] = ["Must be a number."]
                continue
            if not low <= value <= high:
                errors[name] = [f"Must be between {low} and {high}."]
                continue
            setattr(settings, name, int(value) if name == "horizon_weeks" else value)
    if "currency" in data:
        currency = str(data["currency"] or "").strip().upper()
        if currency and (len(currency) != 3 or not currency.isalpha()):
            errors["currency"] = ["A three-letter ISO 4217 code, or blank."]
        settings.currency = currency
    if errors:
        raise ValidationFailed(errors)
    settings.updated_at = timezone.now()
    settings.save()
    return settings
