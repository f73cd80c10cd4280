"""Writes: set, change and remove objectives; evaluate them after each day's snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport.accounts.access import assignable_owner_ok
from rapport.accounts.models import User
from rapport.core.errors import PermissionDenied, ValidationFailed
from rapport.core.events import emit
from rapport.core.indicators import Scope, indicator, parse_scope
from rapport.core.locking import lock_at_version, save_with_version
from rapport.core.models import AuditAction
from rapport.objectives.access import can_set_objective_for, objective_scope
from rapport.objectives.models import Objective, ObjectiveStatus
from rapport.objectives.progress import progress_of

MAX_YEARS = 5


def _current_value(key: str, scope: Scope) -> float | None:
    """The indicator's value now, over the whole scope (the baseline does not depend on
    who sets the objective)."""
    from rapport.playbooks.selectors import indicator_states

    state = indicator_states([key], scope.for_job()).get(key)
    return None if state is None else state.value


def _clean_dates(deadline: Any, today: dt.date, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(deadline, str):
        try:
            deadline = dt.date.fromisoformat(deadline.strip())
        except ValueError:
            errors["deadline"] = ["Give the deadline as a date (YYYY-MM-DD)."]
            return None
    if not isinstance(deadline, dt.date):
        errors["deadline"] = ["Give a deadline."]
        return None
    if deadline <= today:
        errors["deadline"] = ["The deadline must be after today."]
    elif deadline > today.replace(year=today.year + MAX_YEARS):
        errors["deadline"] = [f"At most {MAX_YEARS} years ahead."]
    return deadline


def _clean_target(raw: Any, errors: dict[str, list[str]]) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        errors["target"] = ["Give the target as a number."]
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors["target"] = ["Give the target as a number."]
        return None
    return value


def _check_direction(
    *, key: str, baseline: float, target: float, errors: dict[str, list[str]]
) -> None:
    found = indicator(key)
    assert found is not None
    if found.unit == "share" and not 0 <= target <= 1:
        errors["target"] = ["A share's target is between 0 and 1 (0 % and 100 %)."]
    elif found.better == "higher" and target <= baseline:
        errors["target"] = [f"Higher is better here and it is already {baseline:g}: aim above it."]
    elif found.better == "lower" and target >= baseline:
        errors["target"] = [f"Lower is better here and it is already {baseline:g}: aim below it."]


def _owner(actor: User, owner: User | None, errors: dict[str, list[str]]) -> User:
    owner = owner or actor
    if not owner.is_active or not assignable_owner_ok(actor, owner):
        errors["owner"] = ["You may give objectives only to yourself or people in your teams."]
    return owner


@transaction.atomic
def objective_create(*, actor: User, data: Mapping[str, Any]) -> Objective:
    """Set an objective; its baseline is the indicator's value today over the scope."""
    errors: dict[str, list[str]] = {}
    key = str(data.get("indicator") or "")
    if indicator(key) is None:
        raise ValidationFailed({"indicator": ["No such indicator."]})
    scope = parse_scope(str(data.get("scope") or "workspace"), viewer=actor)
    if not can_set_objective_for(actor, scope):
        raise PermissionDenied("You may not set objectives for this scope.")
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = ["Say what the objective is, e.g. “Touch every tier A customer monthly”."]
    elif len(title) > 200:
        errors["title"] = ["At most 200 characters."]
    today = timezone.localdate()
    deadline = _clean_dates(data.get("deadline"), today, errors)
    target = _clean_target(data.get("target"), errors)
    owner = _owner(actor, data.get("owner"), errors)
    baseline = _current_value(key, scope)
    if baseline is None:
        errors["indicator"] = [
            "This indicator has no value yet over this scope: there is nothing to start from."
        ]
    elif target is not None:
        _check_direction(key=key, baseline=baseline, target=target, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    assert deadline is not None and target is not None and baseline is not None
    objective = Objective.objects.create(
        title=title, indicator=key, scope_kind=scope.kind, scope_id=scope.id or 0,
        baseline=baseline, target=target, start=today, deadline=deadline,
        owner=owner, created_by=actor, evaluated_on=today,
    )  # fmt: skip
    emit("objective.created", entity_type="objective", entity_ids=[objective.pk], actor=actor,
         fields=["title", "indicator", "scope", "target", "deadline", "owner"], audit=AuditAction.CREATE)  # fmt: skip
    return objective


def _locked(actor: User, objective: Objective, expected_version: int | None) -> Objective:
    def may_change(locked: Objective) -> None:
        if not can_set_objective_for(
            actor, objective_scope(locked.scope_kind, locked.scope_id, actor)
        ):
            raise PermissionDenied("You may see this objective but not change it.")

    return lock_at_version(
        Objective, objective.pk, expected_version, check=may_change, missing="No such objective.",
        stale="Someone changed this objective meanwhile; reload it and try again.",
    )  # fmt: skip


@transaction.atomic
def objective_update(
    *,
    actor: User,
    objective: Objective,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Objective:
    """Change the title, target, deadline or owner; the baseline and scope stay."""
    locked = _locked(actor, objective, expected_version)
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    before = {f: getattr(locked, f) for f in ("title", "target", "deadline", "owner_id")}
    if "title" in data:
        title = str(data["title"] or "").strip()
        if not title or len(title) > 200:
            errors["title"] = ["A title of 1 to 200 characters."]
        elif title != locked.title:
            locked.title = title
            changed.append("title")
    if "target" in data:
        target = _clean_target(data["target"], errors)
        if target is not None:
            _check_direction(
                key=locked.indicator, baseline=locked.baseline, target=target, errors=errors
            )
            if target != locked.target:
                locked.target = target
                changed.append("target")
    if "deadline" in data:
        deadline = _clean_dates(data["deadline"], timezone.localdate(), errors)
        if deadline is not None and deadline != locked.deadline and "deadline" not in errors:
            locked.deadline = deadline
            changed.append("deadline")
    if "owner" in data:
        owner = _owner(actor, data["owner"], errors)
        if owner.pk != locked.owner_id:
            locked.owner = owner
            changed.append("owner")
    if errors:
        raise ValidationFailed(errors)
    if changed:
        save_with_version(locked, changed)
        column = {"owner": "owner_id"}
        changes = {
            f: [str(before[column.get(f, f)]), str(getattr(locked, column.get(f, f)))]
            for f in changed
        }
        emit("objective.updated", entity_type="objective", entity_ids=[locked.pk], actor=actor,
             changes=changes, audit=AuditAction.UPDATE)  # fmt: skip
    return locked


@transaction.atomic
def objective_delete(*, actor: User, objective: Objective) -> None:
    locked = _locked(actor, objective, None)
    emit(
        "objective.deleted", entity_type="objective", entity_ids=[locked.pk], actor=actor, fields={}
    )
    locked.delete()


def objectives_evaluate(*, today: dt.date | None = None) -> int:
    """Store each running objective's status; an objective that turns off track (or is
    missed) emits ``objective.off_track`` once, which notifies its owner. Returns how
    many changed status."""
    today = today or timezone.localdate()
    changed = 0
    # Evaluated after its deadline, an objective has its final status.
    running = Objective.objects.exclude(evaluated_on__gt=F("deadline")).order_by("pk")
    for objective in running.iterator(chunk_size=500):
        status = progress_of(objective, today=today).status
        if status == objective.status and objective.evaluated_on == today:
            continue
        with transaction.atomic():
            before = objective.status
            Objective.objects.filter(pk=objective.pk).update(status=status, evaluated_on=today)
            if status != before:
                changed += 1
                if status in (ObjectiveStatus.OFF_TRACK, ObjectiveStatus.MISSED):
                    emit(f"objective.{status}", entity_type="objective", entity_ids=[objective.pk],
                         actor=None, fields={"status": None})  # fmt: skip
    return changed
