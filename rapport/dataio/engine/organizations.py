"""Writing a batch of cleaned organisation rows: match by domain, external id or name."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower

from rapport.accounts.access import can_edit
from rapport.core.models import AuditEvent
from rapport.dataio.cleaning import CleanRow
from rapport.dataio.engine.common import (
    AUDIT_COLUMNS,
    EXTERNAL_ID_COLUMNS,
    BatchResult,
    ImportContext,
)
from rapport.dataio.models import ExternalId
from rapport.people.models import Organization
from rapport.people.search import organization_search_text

SCALARS = ("name", "domain", "phone", "industry", "size", "relationship_type", "street", "city", "region",
           "postcode", "country")  # fmt: skip


def _key_value(row: CleanRow, key: str) -> str:
    if key == "domain" and row.values.get("domain"):
        return "d:" + row.values["domain"]
    if key == "external_id" and row.external_id:
        return "x:" + row.external_id
    return "n:" + row.values["name"].lower()


def write_organizations(ctx: ImportContext, rows: list[CleanRow], key: str) -> BatchResult:
    result = BatchResult()
    ctx.load_owners(r.owner for r in rows if not r.errors)
    good: list[tuple[tuple[int | None, int | None], CleanRow]] = []
    for row in rows:
        if row.errors:
            column, value, reason = row.errors[0]
            result.reject(ctx.job, row.line, column, value, reason)
            continue
        try:
            good.append((ctx.owner_and_team(row.owner), row))
        except ValueError as exc:
            result.reject(ctx.job, row.line, "owner", row.owner, str(exc))
    pending = good
    while pending:
        seen: set[str] = set()
        this_round: list[tuple[tuple[int | None, int | None], CleanRow]] = []
        later: list[tuple[tuple[int | None, int | None], CleanRow]] = []
        for item in pending:
            k = _key_value(item[1], key)
            (later if k in seen else this_round).append(item)
            seen.add(k)
        _write_round(ctx, this_round, key, result)
        pending = later
    return result


def _lookup(rows: list[CleanRow], source: str) -> dict[str, int]:
    found: dict[str, int] = {}
    domains = {r.values["domain"] for r in rows if r.values.get("domain")}
    names = {r.values["name"].lower() for r in rows}
    alive = Organization.objects.alive().order_by("-id")
    for domain, pk in alive.filter(domain__in=domains).values_list("domain", "id"):
        found["d:" + domain] = pk
    phones = {r.values["phone"] for r in rows if r.values.get("phone")}
    for phone, pk in alive.filter(phone__in=phones).values_list("phone", "id"):
        found["p:" + phone] = pk
    for name, pk in (
        alive.annotate(lname=Lower("name")).filter(lname__in=names).values_list("lname", "id")
    ):
        found["n:" + name] = pk
    externals = {r.external_id for r in rows if r.external_id}
    if externals:
        for value, pk in ExternalId.objects.filter(
            Q(value__in=externals), entity="organization", source=source,
            organization__deleted_at__isnull=True,
        ).values_list("value", "organization_id"):  # fmt: skip
            found["x:" + value] = pk
    return found


def _write_round(ctx: ImportContext, items: list[tuple[tuple[int | None, int | None], CleanRow]],
                 key: str, result: BatchResult) -> None:  # fmt: skip
    job = ctx.job
    found = _lookup([r for _, r in items], job.source)
    matched = {id(r): found.get(_key_value(r, key)) for _, r in items}
    orgs = Organization.objects.in_bulk([m for m in matched.values() if m is not None])
    creates: list[Organization] = []
    create_rows: list[CleanRow] = []
    updates: list[tuple[Organization, CleanRow]] = []
    for (owner_id, team_id), row in items:
        pk = matched[id(row)]
        domain = row.values.get("domain")
        phone = row.values.get("phone")
        if domain and found.get("d:" + domain) not in (None, pk):
            result.flag(job, row.line, "domain", domain,
                        f"possible duplicate: the same domain as organisation #{found['d:' + domain]}")  # fmt: skip
        elif phone and found.get("p:" + phone) not in (None, pk):
            result.flag(job, row.line, "phone", phone,
                        f"possible duplicate: the same phone as organisation #{found['p:' + phone]}")  # fmt: skip
        if pk is None:
            org = Organization(owner_id=owner_id, team_id=team_id, created_at=ctx.now,
                               updated_at=ctx.now, custom_fields=row.custom)  # fmt: skip
            for field, value in row.values.items():
                setattr(org, field, value)
            org.search_text = organization_search_text(
                name=org.name, domain=org.domain, phone=org.phone
            )
            creates.append(org)
            create_rows.append(row)
        elif not can_edit(ctx.actor, orgs[pk]):
            result.reject(job, row.line, "", "", "matches an organisation you may not change")
        else:
            updates.append((orgs[pk], row))
    tag_ids = ctx.tag_ids({t for _, r in items for t in r.tags})
    tags: list[tuple[int, int]] = []
    externals: list[tuple[Any, ...]] = []
    audits: list[tuple[int, dict[str, Any]]] = []
    if creates:
        Organization.objects.bulk_create(creates)
        for org, row in zip(creates, create_rows, strict=True):
            tags.extend((org.pk, tag_ids[t]) for t in row.tags)
            if row.external_id:
                externals.append(("organization", job.source, row.external_id, None, org.pk))
            audits.append((org.pk, {"import": [None, ctx.label]}))
        result.created += len(creates)
        result.written_organization_ids.extend(org.pk for org in creates)
    changed = _update(ctx, updates, tag_ids, tags, externals, found)
    result.written_organization_ids.extend(pk for pk, _ in changed)
    result.updated += len(changed)
    result.unchanged += len(updates) - len(changed)
    ctx.writer.insert(Organization.tags.through, ("organization_id", "tag_id"), tags)
    seen = set()
    fresh = []
    for ext in externals:
        if f"x:{ext[2]}" not in found and ext[2] not in seen:
            seen.add(ext[2])
            fresh.append(ext)
    ctx.writer.insert(ExternalId, EXTERNAL_ID_COLUMNS, fresh)
    ctx.writer.insert(AuditEvent, AUDIT_COLUMNS, [
        *ctx.audit_rows("create", "organization", audits),
        *ctx.audit_rows("update", "organization", changed),
    ])  # fmt: skip


def _update(ctx: ImportContext, updates: list[tuple[Organization, CleanRow]],
            tag_ids: dict[str, int], tags: list[tuple[int, int]], externals: list[tuple[Any, ...]],
            found: dict[str, int]) -> list[tuple[int, dict[str, Any]]]:  # fmt: skip
    if not updates:
        return []
    have_tags: dict[int, set[int]] = defaultdict(set)
    through = Organization.tags.through
    for oid, tid in through.objects.filter(
        organization_id__in=[o.pk for o, _ in updates]
    ).values_list("organization_id", "tag_id"):
        have_tags[oid].add(tid)
    changed_orgs, audits = [], []
    for org, row in updates:
        changes: dict[str, Any] = {}
        for field, value in row.values.items():
            if getattr(org, field) != value:
                changes[field] = [getattr(org, field), value]
                setattr(org, field, value)
        merged = {**org.custom_fields, **row.custom}
        if merged != org.custom_fields:
            changes["custom_fields"] = [dict(org.custom_fields), merged]
            org.custom_fields = merged
        new_tags = [t for t in row.tags if tag_ids[t] not in have_tags[org.pk]]
        if new_tags:
            changes["tags"] = [None, new_tags]
            tags.extend((org.pk, tag_ids[t]) for t in new_tags)
        if row.external_id and f"x:{row.external_id}" not in found:
            externals.append(("organization", ctx.job.source, row.external_id, None, org.pk))
        if changes:
            org.version += 1
            org.updated_at = ctx.now
            org.search_text = organization_search_text(
                name=org.name, domain=org.domain, phone=org.phone
            )
            changed_orgs.append(org)
            audits.append((org.pk, {**json.loads(json.dumps(changes, default=str)),
                                    "import": [None, ctx.label]}))  # fmt: skip
    if changed_orgs:
        Organization.objects.bulk_update(
            changed_orgs, [*SCALARS, "custom_fields", "version", "updated_at", "search_text"]
        )
    return audits
