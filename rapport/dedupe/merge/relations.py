"""Moving every row that points at the duplicate over to the survivor, and back.

Relations are discovered, not listed: every foreign key to the record's model
from any app (including the hidden ones of many-to-many tables), so rows that
later features attach (activities, orders, tasks, campaign recipients…) move
too. A row the survivor already has an equivalent of (same e-mail, same tag,
same campaign) breaks a unique constraint when moved: the survivor keeps its
own, and the duplicate's row is removed after being serialised for undo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import IntegrityError, models, transaction

OWN_APP = "dedupe"


@dataclass
class MoveLog:
    """What a merge did to related rows: enough to put every row back."""

    moves: list[dict[str, Any]] = field(default_factory=list)  # {model, field, pks}
    removed: list[str] = field(default_factory=list)  # JSON-serialised rows

    def as_json(self) -> dict[str, Any]:
        return {"moves": self.moves, "removed": self.removed}


def incoming_foreign_keys(model: type[models.Model]) -> list[Any]:
    """Every foreign key (or one-to-one) in any app that points at ``model``."""
    found: list[Any] = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        fk = rel.field  # type: ignore[union-attr]
        if fk.model._meta.app_label == OWN_APP:
            continue
        found.append(fk)
    return found


def _move_one(related: type[models.Model], attname: str, pk: Any, target: int) -> bool:
    try:
        with transaction.atomic():
            related._base_manager.filter(pk=pk).update(**{attname: target})
    except IntegrityError:
        return False
    return True


def move_related(model: type[models.Model], *, source: int, target: int) -> MoveLog:
    """Point every row referring to ``source`` at ``target``; must run inside a transaction."""
    log = MoveLog()
    for fk in incoming_foreign_keys(model):
        related = fk.model
        rows = related._base_manager.filter(**{fk.attname: source})
        pks = list(rows.values_list("pk", flat=True))
        if not pks:
            continue
        moved: list[Any] = []
        try:
            with transaction.atomic():
                rows.update(**{fk.attname: target})
            moved = pks
        except IntegrityError:
            # Some rows clash with the survivor's: move them one by one to find which.
            for pk in pks:
                if _move_one(related, fk.attname, pk, target):
                    moved.append(pk)
                    continue
                obj = related._base_manager.get(pk=pk)
                log.removed.append(serializers.serialize("json", [obj]))
                related._base_manager.filter(pk=pk).delete()
        if moved:
            log.moves.append(
                {"model": related._meta.label_lower, "field": fk.attname, "pks": moved}
            )
    return log


def move_back(snapshot: dict[str, Any], *, source: int, target: int) -> None:
    """Undo ``move_related``: rows still on ``target`` go back to ``source``; removed rows return."""
    for move in snapshot.get("moves", []):
        related = apps.get_model(move["model"])
        related._base_manager.filter(pk__in=move["pks"], **{move["field"]: target}).update(
            **{move["field"]: source}
        )
    for text in snapshot.get("removed", []):
        for restored in serializers.deserialize("json", text):
            restored.save()
