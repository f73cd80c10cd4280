"""Top panels on person and organisation pages: likely duplicates and merges into the record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.accounts.access import can_edit
from rapport.core.web import current_user, translate_errors
from rapport.dedupe.check import Scored, duplicates_of
from rapport.dedupe.models import Entity, MergeRecord
from rapport.dedupe.profiles import organization_profiles, person_profiles
from rapport.dedupe.selectors import open_pairs_of
from rapport.people.selectors import organization_detail, person_detail


def _panel(
    request: HttpRequest, entity: str, record: Any, candidates: Sequence[Scored]
) -> HttpResponse:
    user = current_user(request)
    known = {c.id for c in candidates}
    scan_pairs = [] if record.is_deleted else [
        p for p in open_pairs_of(user=user, entity=entity, record_id=record.pk) if p["other"] not in known
    ]  # fmt: skip
    merges = MergeRecord.objects.filter(entity=entity, survivor_id=record.pk).select_related(
        "merged_by"
    )[:20]
    merged_into = MergeRecord.objects.filter(
        entity=entity, merged_id=record.pk, undone_at__isnull=True
    ).first()
    context = {
        "entity": entity, "record": record, "candidates": candidates, "scan_pairs": scan_pairs,
        "merges": merges, "merged_into": merged_into, "can_edit": can_edit(user, record),
        "noun": "person" if entity == Entity.PERSON else "organisation",
        "detail_url": "people:person_detail" if entity == Entity.PERSON else "people:organization_detail",
    }  # fmt: skip
    return render(request, "dedupe/_record_panel.html", context)


@translate_errors
def panel_view(request: HttpRequest, pk: int, entity: str) -> HttpResponse:
    """The top panel of a person's or an organisation's page."""
    user = current_user(request)
    person = entity == Entity.PERSON
    record = (person_detail if person else organization_detail)(user=user, pk=pk)
    candidates: Sequence[Scored] = []
    if not record.is_deleted:
        profile = (person_profiles if person else organization_profiles)([record.pk]).get(record.pk)
        if profile is not None:
            candidates = duplicates_of(entity, user=user, profile=profile, record_id=record.pk)
    return _panel(request, entity, record, candidates)
