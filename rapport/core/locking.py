"""Optimistic locking, written once: read a row locked at the version the client had,
and save it with the version bumped.

Every record a user edits carries a ``version`` (``OwnedRecord`` and the records
shaped like it). A write reads the row again with ``lock_at_version`` inside its
transaction, so two writers queue on the row lock and the second one sees the
first one's version; a client that edited an older version gets ``StaleVersion``
(412). ``save_with_version`` then writes only the columns the service changed,
plus ``version`` and ``updated_at``, so a write never puts back a column it did
not mean to touch.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from rapport.core.errors import NotFound, StaleVersion

M = TypeVar("M", bound=Model)

STALE_MESSAGE = (
    "This record changed since you loaded it (version {version}, you had {expected}). "
    "Reload it and apply your change again."
)
MISSING_MESSAGE = "This record no longer exists."


def check_version(record: Any, expected_version: int | None, *, stale: str = STALE_MESSAGE) -> None:
    """Raise ``StaleVersion`` when the caller had a version other than ``record``'s.

    ``stale`` may name ``{version}`` (the stored one), ``{expected}`` and ``{pk}``.
    No expected version (a form or request without one) checks nothing."""
    if expected_version is not None and expected_version != record.version:
        raise StaleVersion(
            stale.format(version=record.version, expected=expected_version, pk=record.pk)
        )


def lock_at_version(
    source: type[M] | QuerySet[M],
    pk: Any,
    expected_version: int | None,
    *,
    stale: str = STALE_MESSAGE,
    missing: str = MISSING_MESSAGE,
    check: Callable[[M], None] | None = None,
) -> M:
    """The row ``pk`` of ``source`` (a model or a queryset), read again and locked for the
    rest of the transaction, once it is still at ``expected_version``.

    ``check`` runs on the locked row before the version is compared (a permission
    check: one who may not change the record hears that, not that it is stale).
    A row that is gone raises ``NotFound`` with ``missing``."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    locked = queryset.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(missing)
    if check is not None:
        check(locked)
    check_version(locked, expected_version, stale=stale)
    return locked


def save_with_version(record: Model, fields: Iterable[str]) -> None:
    """Save ``record``'s ``fields`` with its version bumped (and ``updated_at`` set, when
    the model has one), by ``update_fields``: the other columns stay as stored.

    Call it on a row from ``lock_at_version``: under the row lock ``version + 1`` is
    the stored version plus one."""
    update_fields = dict.fromkeys(fields)
    record.version += 1  # type: ignore[attr-defined]
    update_fields["version"] = None
    if any(f.name == "updated_at" for f in record._meta.concrete_fields):
        record.updated_at = timezone.now()  # type: ignore[attr-defined]
        update_fields["updated_at"] = None
    record.save(update_fields=list(update_fields))


def column_values(record: Model) -> dict[str, Any]:
    """The stored-column values of ``record`` (copies: a JSON value changed in place
    still counts as changed), to compare with ``changed_columns`` after the edit."""
    return {
        f.name: copy.deepcopy(getattr(record, f.attname))
        for f in record._meta.concrete_fields
        if not f.primary_key
    }


def changed_columns(record: Model, before: dict[str, Any]) -> list[str]:
    """The columns whose value differs from ``before`` (``column_values`` of the same row)."""
    return [
        f.name
        for f in record._meta.concrete_fields
        if f.name in before and getattr(record, f.attname) != before[f.name]
    ]
