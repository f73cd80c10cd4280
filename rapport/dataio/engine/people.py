"""Writing a batch of cleaned people rows: match by key, then create or update.

Per batch: one query per lookup (e-mails, phones, external ids) whatever the
batch size, new people and their e-mails, phones, tags, affiliations, external
ids and audit events written as plain rows (``RowWriter``: executemany on SQLite,
COPY on PostgreSQL). Every created or updated person gets its own audit event.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from django.db.models.functions import Lower

from rapport.accounts.access import can_edit, visible_to
from rapport.core.models import AuditEvent
from rapport.dataio.cleaning import CleanRow
from rapport.dataio.engine.common import (
    AUDIT_COLUMNS,
    EXTERNAL_ID_COLUMNS,
    FINGERPRINT_SOURCE,
    BatchResult,
    ImportContext,
    fingerprint,
    pairs_where_in,
    sqlite_search_index_deferred,
)
from rapport.dataio.models import ExternalId
from rapport.dedupe.keys import profile_json
from rapport.dedupe.models import MatchKey, MatchProfile
from rapport.people.demo import PERSON_COLUMNS
from rapport.people.limits import over_limit_message
from rapport.people.models import (
    Affiliation,
    Organization,
    Person,
    PersonEmail,
    PersonPhone,
)
from rapport.people.search import build_search_text

Item = tuple[tuple[int | None, int | None], str, CleanRow]
Rows = list[tuple[Any, ...]]
PEOPLE, EMAILS, PHONES = (m._meta.db_table for m in (Person, PersonEmail, PersonPhone))
EXTERNAL = ExternalId._meta.db_table
EMAIL_HOLDERS = f"SELECT email, person_id FROM {EMAILS} WHERE email IN ({{}})"  # noqa: S608 -- our table
PHONE_HOLDERS = f"SELECT number, person_id FROM {PHONES} WHERE number IN ({{}})"  # noqa: S608 -- our table
LIVING = f"SELECT id FROM {PEOPLE} WHERE id IN ({{}}) AND deleted_at IS NULL"  # noqa: S608 -- our table
RECASED = frozenset({"first_name", "middle_name", "last_name"})
SCALARS = ("honorific", "first_name", "middle_name", "last_name", "suffix", "title", "birthday",
           "source", "lifecycle_stage", "email_consent", "street", "city", "region", "postcode",
           "country")  # fmt: skip


def _key_value(row: CleanRow, key: str) -> str:
    if key == "email" and row.emails:
        return "e:" + row.emails[0]
    if key == "phone" and row.phones:
        return "p:" + row.phones[0]
    if key == "external_id" and row.external_id:
        return "x:" + row.external_id
    return "f:" + fingerprint(row)


def write_people(ctx: ImportContext, rows: list[CleanRow], key: str) -> BatchResult:
    result = BatchResult()
    good = _owned_rows(ctx, rows, result)
    for _, _, row in good:
        row.match_key = _key_value(row, key)
    _resolve_orgs(ctx, [r for _, _, r in good], result)
    pending = good
    while pending:
        # Rows repeating a key already in this round wait for the next, where they
        # find the record the first one created: the same as across batches.
        seen: set[str] = set()
        this_round: list[Item] = []
        later: list[Item] = []
        for item in pending:
            k = item[2].match_key
            (later if k in seen else this_round).append(item)
            seen.add(k)
        _write_round(ctx, this_round, key, result)
        pending = later
    return result


def _owned_rows(ctx: ImportContext, rows: list[CleanRow], result: BatchResult
                ) -> list[tuple[tuple[int | None, int | None], str, CleanRow]]:  # fmt: skip
    job = ctx.job
    ctx.load_owners(r.owner for r in rows if not r.errors)
    good = []
    for row in rows:
        if row.errors:
            column, value, reason = row.errors[0]
            more = f" (and {len(row.errors) - 1} more problems)" if len(row.errors) > 1 else ""
            result.reject(job, row.line, column, value, reason + more)
            continue
        try:
            owner_team = ctx.owner_and_team(row.owner)
        except ValueError as exc:
            result.reject(job, row.line, "owner", row.owner, str(exc))
            continue
        good.append((owner_team, "", row))
    return good


def _resolve_orgs(ctx: ImportContext, rows: list[CleanRow], result: BatchResult) -> None:
    """Organisation names → ids: visible ones by name (any case), the rest created."""
    wanted = {r.organization.lower(): r.organization for r in rows if r.organization}
    missing = [n for n in wanted if n not in ctx.org_ids]
    if not missing:
        return
    found = (
        visible_to(Organization.objects.alive(), ctx.actor)
        .annotate(lname=Lower("name"))
        .filter(lname__in=missing)
        .order_by("id")
        .values_list("lname", "id", "name", "domain")
    )
    for lname, pk, name, domain in found:
        if lname not in ctx.org_ids:
            ctx.org_ids[lname], ctx.org_names[lname] = pk, (name, domain)
    new = [
        Organization(
            name=wanted[n], owner_id=ctx.actor.pk, team_id=ctx.default_team_id,
            search_text=build_search_text(names=[wanted[n]]), created_at=ctx.now, updated_at=ctx.now,
        )
        for n in missing if n not in ctx.org_ids
    ]  # fmt: skip
    if new:
        Organization.objects.bulk_create(new)
        result.written_organization_ids.extend(org.pk for org in new)
        for org in new:
            ctx.org_ids[org.name.lower()] = org.pk
            ctx.org_names[org.name.lower()] = (org.name, "")
        ctx.writer.insert(AuditEvent, AUDIT_COLUMNS, ctx.audit_rows(
            "create", "organization", ((o.pk, {"import": [None, ctx.label]}) for o in new)))  # fmt: skip


def _lookup(rows: list[CleanRow], key: str, source: str) -> dict[str, Any]:
    """Who already has the batch's e-mails, phones and external ids: one query each, then
    one to keep the living. Joining each lookup to the people table instead let
    PostgreSQL, its statistics stale in the middle of a big import, hash every person
    for every lookup (0.7 s each at a million people)."""
    emails = {e for r in rows for e in r.emails}
    phones = {p for r in rows for p in r.phones}
    email_pairs = pairs_where_in(EMAIL_HOLDERS, emails)
    phone_pairs = pairs_where_in(PHONE_HOLDERS, phones)
    wanted = {FINGERPRINT_SOURCE: {r.match_key[2:] for r in rows if r.match_key.startswith("f:")},
              source: {r.external_id for r in rows if r.external_id}}  # fmt: skip
    ext_pairs = [
        (src, value, pid)
        for src, values in wanted.items()
        for value, pid in pairs_where_in(
            f"SELECT value, person_id FROM {EXTERNAL} WHERE entity = 'person' AND source = %s "  # noqa: S608 -- our table
            "AND person_id IS NOT NULL AND value IN ({})", values, [src],
        )
    ]  # fmt: skip
    candidates = {pid for _, pid in email_pairs} | {pid for _, pid in phone_pairs}
    candidates |= {pid for _, _, pid in ext_pairs}
    alive = {pid for (pid,) in pairs_where_in(LIVING, candidates)}
    by_email: dict[str, set[int]] = defaultdict(set)
    by_phone: dict[str, set[int]] = defaultdict(set)
    for email, pid in email_pairs:
        if pid in alive:
            by_email[email].add(pid)
    for number, pid in phone_pairs:
        if pid in alive:
            by_phone[number].add(pid)
    by_ext: dict[str, int] = {}
    ext_trashed: set[str] = set()
    for src, value, pid in ext_pairs:
        marker = "f:" + value if src == FINGERPRINT_SOURCE else f"{source}|x:{value}"
        if pid in alive:
            by_ext[marker] = pid
        else:
            ext_trashed.add(marker)
    return {"email": by_email, "phone": by_phone, "ext": by_ext, "ext_trashed": ext_trashed}


def _match(row: CleanRow, key: str, found: dict[str, Any], source: str) -> int | None:
    k = row.match_key
    if k.startswith("e:"):
        ids = found["email"].get(k[2:])
        return min(ids) if ids else None
    if k.startswith("p:"):
        ids = found["phone"].get(k[2:])
        return min(ids) if ids else None
    if k.startswith("x:"):
        pid = found["ext"].get(f"{source}|{k}")
        return int(pid) if pid is not None else None
    pid = found["ext"].get(k)
    return int(pid) if pid is not None else None


def _write_round(ctx: ImportContext, items: list[tuple[tuple[int | None, int | None], str, CleanRow]],
                 key: str, result: BatchResult) -> None:  # fmt: skip
    job = ctx.job
    rows = [r for _, _, r in items]
    found = _lookup(rows, key, job.source)
    matches = {id(r): _match(r, key, found, job.source) for r in rows}
    matched_ids = {m for m in matches.values() if m is not None}
    people = {p.pk: p for p in Person.objects.filter(pk__in=matched_ids)} if matched_ids else {}
    new_emails: dict[str, int] = {}
    new_phones: dict[str, int] = {}
    creates: list[tuple[tuple[int | None, int | None], CleanRow]] = []
    updates: list[tuple[Person, CleanRow]] = []
    for owner_team, _, row in items:
        pid = matches[id(row)]
        if pid is not None and not can_edit(ctx.actor, people[pid]):
            result.reject(job, row.line, "", "", "matches an existing person you may not change")
            continue
        _flag_shared(ctx, row, pid, found, new_emails, new_phones, result)
        if pid is None:
            creates.append((owner_team, row))
            for e in row.emails:
                new_emails.setdefault(e, -row.line)
            for p in row.phones:
                new_phones.setdefault(p, -row.line)
        else:
            updates.append((people[pid], row))
    if creates:
        _create(ctx, creates, key, found)  # with their duplicate-check keys
        result.created += len(creates)
    if updates:
        changed, refused = _update(ctx, updates, found, result)
        result.written_person_ids.extend(changed)
        result.updated += len(changed)
        result.unchanged += len(updates) - len(changed) - refused


def _flag_shared(ctx: ImportContext, row: CleanRow, pid: int | None, found: dict[str, Any],
                 new_emails: dict[str, int], new_phones: dict[str, int], result: BatchResult
                 ) -> None:  # fmt: skip
    """A row whose e-mail or phone already belongs to someone else is flagged (and imported)."""
    for kind, values, existing, batch in (("e-mail", row.emails, found["email"], new_emails),
                                          ("phone", row.phones, found["phone"], new_phones)):  # fmt: skip
        for value in values:
            others = sorted(existing.get(value, set()) - {pid})
            in_file = batch.get(value)
            if others or in_file is not None:
                where = f"person #{others[0]}" if others else f"the person on line {-in_file}"  # type: ignore[operator]
                result.flag(ctx.job, row.line, kind, value,
                            f"possible duplicate: the same {kind} as {where}")  # fmt: skip
                return


def _birthday(ctx: ImportContext, value: str | None) -> Any:
    if not value:
        return None
    return ctx.writer.date(dt.date.fromisoformat(value))


def _create(ctx: ImportContext, creates: list[tuple[tuple[int | None, int | None], CleanRow]],
            key: str, found: dict[str, Any]) -> list[int]:  # fmt: skip
    writer, job = ctx.writer, ctx.job
    ids = writer.reserve_ids(Person, len(creates))
    now = writer.dt(ctx.now)
    tag_ids = ctx.tag_ids({t for _, r in creates for t in r.tags})
    people: Rows = []
    emails: Rows = []
    phones: Rows = []
    affiliations: Rows = []
    tags: Rows = []
    externals: Rows = []
    match_keys: Rows = []
    profiles: Rows = []
    for pk, ((owner_id, team_id), row) in zip(ids, creates, strict=True):
        v = row.values
        consent = v.get("email_consent", "unknown")
        people.append((
            pk, now, now, json.dumps(row.custom) if row.custom else "{}", None, 1, v.get("street", ""), v.get("city", ""),
            v.get("region", ""), v.get("postcode", ""), v.get("country", ""), v.get("honorific", ""),
            v.get("first_name", ""), v.get("middle_name", ""), v.get("last_name", ""),
            v.get("suffix", ""), row.emails[0] if row.emails else "",
            row.phones[0] if row.phones else "", v.get("title", ""), _birthday(ctx, v.get("birthday")),
            v.get("source", ""), v.get("lifecycle_stage", "prospect"), consent,
            now if consent != "unknown" else None, "import" if consent != "unknown" else "",
            row.search_text, owner_id, team_id,
        ))  # fmt: skip
        emails.extend((e, "", i == 0, pk) for i, e in enumerate(row.emails))
        phones.extend((p, "", i == 0, pk) for i, p in enumerate(row.phones))
        if row.organization:
            affiliations.append(
                (v.get("title", "")[:150], True, ctx.org_ids[row.organization.lower()], pk)
            )
        tags.extend((pk, tag_ids[t]) for t in row.tags)
        if row.external_id:
            externals.append(("person", job.source, row.external_id, pk, None))
        if row.match_key.startswith("f:"):
            externals.append(("person", FINGERPRINT_SOURCE, row.match_key[2:], pk, None))
        match_keys.extend(("person", hashed, pk) for hashed in row.key_hashes)
        profiles.append(("person", pk, _with_employer(ctx, row)))
    with sqlite_search_index_deferred(PEOPLE, min(ids), max(ids)):
        writer.insert(Person, PERSON_COLUMNS, people)
    writer.insert(PersonEmail, ("email", "label", "is_primary", "person_id"), emails)
    writer.insert(PersonPhone, ("number", "label", "is_primary", "person_id"), phones)
    writer.insert(Affiliation, ("role", "is_primary", "organization_id", "person_id"), affiliations)
    writer.insert(Person.tags.through, ("person_id", "tag_id"), tags)
    _insert_external_ids(ctx, externals, found)
    writer.insert(AuditEvent, AUDIT_COLUMNS, ctx.created_audit_rows("person", ids))
    writer.insert(MatchKey, ("entity", "key", "record_id"), match_keys)
    writer.insert(MatchProfile, ("entity", "record_id", "data"), profiles)
    return ids


def _with_employer(ctx: ImportContext, row: CleanRow) -> str:
    """The row's stored profile, with its employer as the database has it (the name's
    case, the web domain), which the cleaning helper could not know."""
    if not row.organization:
        return row.profile_json
    name, domain = ctx.org_names[row.organization.lower()]
    if name == row.organization and not domain:
        return row.profile_json
    profile = json.loads(row.profile_json)
    profile["organisation"], profile["domain"] = name, domain
    return profile_json(profile)


def _insert_external_ids(ctx: ImportContext, externals: list[tuple[Any, ...]],
                         found: dict[str, Any]) -> None:  # fmt: skip
    """An external id already held by another living record stays with it (the row was
    flagged); one held by a person in the trash moves to the living record the row made."""
    fresh, seen = [], set()
    for row in externals:
        marker = f"{row[1]}|x:{row[2]}" if row[1] != FINGERPRINT_SOURCE else f"f:{row[2]}"
        if marker not in found["ext"] and (row[1], row[2]) not in seen:
            seen.add((row[1], row[2]))
            fresh.append(row)
            if marker in found["ext_trashed"]:
                ExternalId.objects.filter(entity="person", source=row[1], value=row[2]).delete()
    ctx.writer.insert(ExternalId, EXTERNAL_ID_COLUMNS, fresh)


def _update(
    ctx: ImportContext,
    updates: list[tuple[Person, CleanRow]],
    found: dict[str, Any],
    result: BatchResult,
) -> tuple[list[int], int]:
    """Fill in and change what the row says; blank cells never erase. Returns who changed,
    and how many rows were refused for taking a list past its limit."""
    pids = [p.pk for p, _ in updates]
    have_emails: dict[int, list[str]] = defaultdict(list)
    have_phones: dict[int, list[str]] = defaultdict(list)
    have_orgs: dict[int, dict[int, str]] = defaultdict(dict)
    for pid, email in PersonEmail.objects.filter(person_id__in=pids).values_list(
        "person_id", "email"
    ):
        have_emails[pid].append(email)
    for pid, number in PersonPhone.objects.filter(person_id__in=pids).values_list(
        "person_id", "number"
    ):
        have_phones[pid].append(number)
    for pid, oid, name in Affiliation.objects.filter(person_id__in=pids).values_list(
        "person_id", "organization_id", "organization__name"
    ):
        have_orgs[pid][oid] = name
    have_tags: dict[int, set[int]] = defaultdict(set)
    for pid, tid in Person.tags.through.objects.filter(person_id__in=pids).values_list(
        "person_id", "tag_id"
    ):
        have_tags[pid].add(tid)
    tag_ids = ctx.tag_ids({t for _, r in updates for t in r.tags})
    emails: Rows = []
    phones: Rows = []
    affiliations: Rows = []
    tags: Rows = []
    externals: Rows = []
    audits: list[tuple[int, dict[str, Any]]] = []
    changed_people: list[Person] = []
    refused = 0
    for person, row in updates:
        problem = _past_limit(
            ("emails", len(set(have_emails[person.pk]) | set(row.emails))),
            ("phones", len(set(have_phones[person.pk]) | set(row.phones))),
            ("tags", len(have_tags[person.pk] | {tag_ids[t] for t in row.tags})),
        )
        if problem:  # the row would take the person past a limit: refused whole, as a form is
            result.reject(ctx.job, row.line, problem[0], "", problem[1])
            refused += 1
            continue
        changes: dict[str, list[Any]] = {}
        for field in SCALARS:
            if field not in row.values:
                continue
            value: Any = row.values[field]
            if field == "birthday":
                value = dt.date.fromisoformat(value)
            old = getattr(person, field)
            if field in RECASED and old in (row.typed_names.get(field), value):
                continue  # the name as stored, or as typed before recasing: keep it
            if old != value:
                changes[field] = [old, value]
                setattr(person, field, value)
        if "email_consent" in changes:
            person.email_consent_at, person.email_consent_method = ctx.now, "import"
        merged = {**person.custom_fields, **row.custom}
        if merged != person.custom_fields:
            changes["custom_fields"] = [dict(person.custom_fields), merged]
            person.custom_fields = merged
        add_emails = [e for e in row.emails if e not in have_emails[person.pk]]
        add_phones = [p for p in row.phones if p not in have_phones[person.pk]]
        if add_emails:
            changes["emails"] = [have_emails[person.pk], have_emails[person.pk] + add_emails]
            emails.extend(
                (e, "", not person.email and i == 0, person.pk) for i, e in enumerate(add_emails)
            )
            person.email = person.email or add_emails[0]
        if add_phones:
            changes["phones"] = [have_phones[person.pk], have_phones[person.pk] + add_phones]
            phones.extend(
                (p, "", not person.phone and i == 0, person.pk) for i, p in enumerate(add_phones)
            )
            person.phone = person.phone or add_phones[0]
        new_tags = [t for t in row.tags if tag_ids[t] not in have_tags[person.pk]]
        if new_tags:
            changes["tags"] = [None, new_tags]
            tags.extend((person.pk, tag_ids[t]) for t in new_tags)
        org_id = ctx.org_ids[row.organization.lower()] if row.organization else None
        if org_id is not None and org_id not in have_orgs[person.pk]:
            changes["organizations"] = [None, row.organization]
            affiliations.append((person.title[:150], not have_orgs[person.pk], org_id, person.pk))
            have_orgs[person.pk][org_id] = row.organization
        if row.external_id and f"{ctx.job.source}|x:{row.external_id}" not in found["ext"]:
            externals.append(("person", ctx.job.source, row.external_id, person.pk, None))
        if not changes:
            continue
        if changes:
            person.version += 1
            person.updated_at = ctx.now
            person.search_text = build_search_text(
                names=[person.first_name, person.middle_name, person.last_name],
                emails=have_emails[person.pk] + add_emails, phones=have_phones[person.pk] + add_phones,
                extra=list(have_orgs[person.pk].values()),
            )  # fmt: skip
            changed_people.append(person)
            audits.append((person.pk, {**_jsonable(changes), "import": [None, ctx.label]}))
    if changed_people:
        Person.objects.bulk_update(
            changed_people,
            [*SCALARS, "email_consent_at", "email_consent_method", "custom_fields", "email",
             "phone", "version", "updated_at", "search_text"],
        )  # fmt: skip
    w = ctx.writer
    w.insert(PersonEmail, ("email", "label", "is_primary", "person_id"), emails)
    w.insert(PersonPhone, ("number", "label", "is_primary", "person_id"), phones)
    w.insert(Affiliation, ("role", "is_primary", "organization_id", "person_id"), affiliations)
    w.insert(Person.tags.through, ("person_id", "tag_id"), tags)
    _insert_external_ids(ctx, externals, found)
    w.insert(AuditEvent, AUDIT_COLUMNS, ctx.audit_rows("update", "person", audits))
    return [p.pk for p in changed_people], refused


def _past_limit(*counts: tuple[str, int]) -> tuple[str, str] | None:
    for name, count in counts:
        message = over_limit_message(name, count)
        if message is not None:
            return name, message
    return None


def _jsonable(changes: dict[str, list[Any]]) -> dict[str, Any]:
    return json.loads(json.dumps(changes, default=str))
