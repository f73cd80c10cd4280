"""Writes for insights: asking for a recompute, strategic flags, segments, settings, and
setting a lifecycle stage by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport.accounts.access import access_record, require_writer
from rapport.accounts.access_insights import can_recompute, require_segment_owner
from rapport.accounts.models import User
from rapport.core.audit import diff_snapshots
from rapport.core.entities import entity_kind, must_be_entity
from rapport.core.errors import Conflict, PermissionDenied, ValidationFailed
from rapport.core.events import emit
from rapport.core.locking import check_version, lock_at_version, save_with_version
from rapport.core.models import AuditAction
from rapport.insights.models import (
    InsightsSettings,
    LifecycleSource,
    LifecycleTransition,
    ModelRun,
    PersonLifecycle,
    PurchaseModelChoice,
    RunStatus,
    Segment,
    StrategicFlag,
    StrategicKind,
)
from rapport.insights.segments import clean_definition
from rapport.people.models import LifecycleStage, Organization, Person

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
    model: type[Person] | type[Organization] = entity_kind(entity).model
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
    emit(f"{entity}.flag_set", entity_type=entity, entity_ids=[customer.pk], actor=actor,
         changes={"strategic_flag": [None, f"{kind}: {reason}"]}, audit=AuditAction.UPDATE)  # fmt: skip
    return flag


@transaction.atomic
def strategic_flag_remove(*, actor: User, entity: str, pk: int, kind: str) -> None:
    require_writer(actor)
    customer = _customer(actor, entity, pk)
    deleted, _ = StrategicFlag.objects.filter(**{entity: customer, "kind": kind}).delete()
    if deleted:
        emit(f"{entity}.flag_removed", entity_type=entity, entity_ids=[customer.pk], actor=actor,
             changes={"strategic_flag": [kind, None]}, audit=AuditAction.UPDATE)  # fmt: skip


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
    entity = str(data.get("entity") or "person")
    errors: dict[str, list[str]] = {}
    if problem := must_be_entity(entity):
        raise ValidationFailed({"entity": [problem]})
    fields = _segment_fields({"definition": [], **data}, entity=entity, errors=errors)
    if "name" not in fields:
        errors["name"] = ["A segment needs a name."]
    if fields.get("shared") and not can_recompute(actor):
        errors["shared"] = ["Only managers and admins can share a segment with everyone."]
    if errors:
        raise ValidationFailed(errors)
    segment = Segment.objects.create(owner=actor, entity=entity, **fields)
    emit("segment.created", entity_type="segment", entity_ids=[segment.pk], actor=actor,
         changes=diff_snapshots({}, fields), audit=AuditAction.CREATE)  # fmt: skip
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
    emit("segment.updated", entity_type="segment", entity_ids=[segment.pk], actor=actor,
         changes=changes, audit=AuditAction.UPDATE)  # fmt: skip
    return segment


@transaction.atomic
def segment_delete(*, actor: User, segment: Segment, expected_version: int | None = None) -> None:
    require_segment_owner(actor, segment)
    check_version(segment, expected_version, stale=STALE_SEGMENT)
    pk = segment.pk
    segment.delete()
    emit("segment.deleted", entity_type="segment", entity_ids=[pk], actor=actor,
         audit=AuditAction.DELETE)  # fmt: skip


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


@transaction.atomic
def lifecycle_override(*, actor: User, pk: int, stage: str, reason: str) -> LifecycleTransition:
    """Set a person's lifecycle stage by hand, with a reason. It holds until the computed
    stage next changes (a new order, or a gap rule starting to hold)."""
    require_writer(actor)
    person = access_record(Person.objects.alive(), actor, pk=pk, for_write=True)
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors: dict[str, list[str]] = {}
    if stage not in LifecycleStage.values:
        errors["stage"] = [f"Must be one of: {', '.join(LifecycleStage.values)}."]
    elif stage == person.lifecycle_stage:
        errors["stage"] = ["The person is in this stage already."]
    reason = " ".join(str(reason or "").split())
    if not reason:
        errors["reason"] = ["Say why: setting a stage by hand needs a reason."]
    elif len(reason) > 500:
        errors["reason"] = ["At most 500 characters."]
    if errors:
        raise ValidationFailed(errors)
    today = timezone.localdate()
    transition = LifecycleTransition.objects.create(
        person=person, from_stage=person.lifecycle_stage, to_stage=stage, on=today,
        source=LifecycleSource.MANUAL, reason=reason, actor=actor,
    )  # fmt: skip
    updated = PersonLifecycle.objects.filter(person=person).update(
        since=today, overridden=True, updated_at=timezone.now()
    )
    if not updated:  # never computed (no orders): the computed stage so far is a prospect's
        PersonLifecycle.objects.create(person=person, computed_stage=LifecycleStage.PROSPECT,
                                       computed_since=today, since=today, overridden=True)  # fmt: skip
    Person.objects.filter(pk=person.pk).update(
        lifecycle_stage=stage, version=F("version") + 1, updated_at=timezone.now()
    )
    # The reason stays in the transition (erased with the person), not in the audit trail.
    emit("person.lifecycle_changed", entity_type="person", entity_ids=[person.pk], actor=actor,
         changes={"lifecycle_stage": [person.lifecycle_stage, stage]}, audit=AuditAction.UPDATE)  # fmt: skip
    return transition
