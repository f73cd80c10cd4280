"""What the people and organisation writers share: owners, tags, keys, results."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from rapport.accounts.access import assignable_owner_ok
from rapport.accounts.models import User
from rapport.core.bulk import RowWriter
from rapport.core.text import strip_nul
from rapport.dataio.cleaning import CleanRow
from rapport.dataio.models import ImportIssue, ImportJob
from rapport.people.models import Tag
from rapport.people.services import tags_get_or_create

FINGERPRINT_SOURCE = "rapport:row"
AUDIT_COLUMNS = ("created_at", "actor_id", "actor_label", "action", "entity_type", "entity_id",
                 "changes")  # fmt: skip
EXTERNAL_ID_COLUMNS = ("entity", "source", "value", "person_id", "organization_id")


def _text(value: str) -> str:
    # PostgreSQL text cannot hold NUL; a hostile file's cell may.
    return strip_nul(value)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    rejected: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    # People changed: their duplicate-check keys are refreshed after the commit (people
    # created get theirs in the batch itself).
    written_person_ids: list[int] = field(default_factory=list)
    written_organization_ids: list[int] = field(default_factory=list)

    def reject(self, job: ImportJob, line: int, column: str, value: str, reason: str) -> None:
        self.rejected += 1
        column, value, reason = (_text(column), _text(value), _text(reason))
        self.issues.append(ImportIssue(job=job, line=line, column=column[:255],
                                       value=value[:200], reason=reason[:500]))  # fmt: skip

    def flag(self, job: ImportJob, line: int, column: str, value: str, reason: str) -> None:
        self.flagged += 1
        column, value, reason = (_text(column), _text(value), _text(reason))
        self.issues.append(ImportIssue(job=job, line=line, column=column[:255], value=value[:200],
                                       reason=reason[:500], rejected=False))  # fmt: skip


class ImportContext:
    """Per-job state that outlives a batch: the actor, caches of owners, tags and organisations."""

    def __init__(self, job: ImportJob, actor: User) -> None:
        self.job = job
        self.actor = actor
        self.now: datetime = timezone.now()
        self.label = f"import {job.pk} of {job.original_name}"[:150]
        self.actor_label = (actor.username or "system")[:150]
        self.default_team_id = (
            min(actor.team_ids) if actor.team_ids and not actor.is_admin else None
        )
        self._owners: dict[str, User | None] = {}
        self._tags: dict[str, int] = {}
        self.org_ids: dict[str, int] = {}
        self.org_names: dict[str, tuple[str, str]] = {}  # lower name → (name, domain)
        self.writer = RowWriter()

    def audit_rows(self, action: str, entity_type: str, items: Iterable[tuple[int, dict[str, Any]]]
                   ) -> list[tuple[Any, ...]]:  # fmt: skip
        at = self.writer.dt(self.now)
        actor_id = self.actor.pk
        return [(at, actor_id, self.actor_label, action, entity_type, pk, json.dumps(changes))
                for pk, changes in items]  # fmt: skip

    def created_audit_rows(self, entity_type: str, ids: Iterable[int]) -> list[tuple[Any, ...]]:
        """One "created by this import" event per record (the same text for each)."""
        at = self.writer.dt(self.now)
        changes = json.dumps({"import": [None, self.label]})
        return [(at, self.actor.pk, self.actor_label, "create", entity_type, pk, changes)
                for pk in ids]  # fmt: skip

    def load_owners(self, refs: Iterable[str]) -> None:
        wanted = {r for r in refs if r and r not in self._owners}
        if not wanted:
            return
        lowered = {r.lower() for r in wanted}
        found = User.objects.filter(
            Q(username__in=wanted) | Q(email__in=lowered) | Q(email__in=wanted), is_active=True
        ).prefetch_related("teams")
        by_ref: dict[str, User] = {}
        for user in found:
            by_ref[user.username] = user
            if user.email:
                by_ref[user.email.lower()] = user
        for ref in wanted:
            self._owners[ref] = by_ref.get(ref) or by_ref.get(ref.lower())

    def owner_and_team(self, ref: str) -> tuple[int | None, int | None]:
        """The row's owner (the importer when none is named) and team; ValueError if not allowed."""
        if not ref:
            return self.actor.pk, self.default_team_id
        owner = self._owners.get(ref)
        if owner is None:
            raise ValueError(f"no active user {ref!r}")
        if not assignable_owner_ok(self.actor, owner):
            raise ValueError(f"you may not give records to {ref!r}")
        team_ids = owner.team_ids
        return owner.pk, (min(team_ids) if team_ids else self.default_team_id)

    def tag_ids(self, names: Iterable[str]) -> dict[str, int]:
        missing = sorted({n for n in names if n not in self._tags})
        if missing:
            for tag in tags_get_or_create(missing):
                self._tags[tag.name] = tag.pk
            # tags_get_or_create may clean a name; map what we asked for as well.
            for name in missing:
                if name not in self._tags:
                    match = Tag.objects.filter(name=name.strip()).first()
                    if match is not None:
                        self._tags[name] = match.pk
        return self._tags


LOOKUP_CHUNK = 5000


@contextmanager
def sqlite_search_index_deferred(table: str, first_id: int, last_id: int) -> Iterator[None]:
    """New rows ``first_id..last_id`` enter the SQLite FTS5 index in one statement.

    The index's insert trigger costs about 35 µs a row, one statement each; a single
    ``INSERT … SELECT`` over the batch costs about 6. The trigger is dropped and made
    again inside the batch's transaction (and a savepoint), so other connections never
    see it missing and a failure or a kill brings it back with the rollback.
    """
    name = f"{table}_fts_ai"
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
        found = cursor.fetchone()
    if found is None:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TRIGGER "{name}"')
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table}_fts(rowid, search_text) SELECT id, search_text "  # noqa: S608 -- our table
                f"FROM {table} WHERE id BETWEEN %s AND %s",
                [first_id, last_id],
            )
            cursor.execute(found[0])


def pairs_where_in(
    sql: str, values: Iterable[Any], extra: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (with one ``IN ({})`` slot) for many values, in few round trips.

    Plain SQL: the ORM's ``__in`` prepares each of thousands of values in Python,
    which costs more than the query itself at import batch sizes.
    """
    items = list(values)
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and items:
            # One array parameter: binding thousands of separate ones costs more than the query.
            cursor.execute(sql.replace("IN ({})", "= ANY(%s)"), [*extra, items])
            return cursor.fetchall()
        for start in range(0, len(items), LOOKUP_CHUNK):
            chunk = items[start : start + LOOKUP_CHUNK]
            cursor.execute(sql.format(", ".join(["%s"] * len(chunk))), [*extra, *chunk])
            out.extend(cursor.fetchall())
    return out


def fingerprint(row: CleanRow) -> str:
    """A stable digest of a row that has no key value, so importing it twice matches."""
    payload = json.dumps(
        [sorted(row.values.items()), row.emails, row.phones, row.tags,
         sorted(row.custom.items()), row.organization], default=str, ensure_ascii=False,
    )  # fmt: skip
    return hashlib.sha1(payload.encode("utf-8"), usedforsecurity=False).hexdigest()
