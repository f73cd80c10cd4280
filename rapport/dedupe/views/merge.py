"""Merge preview (choose the survivor and each field), merge, and undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.accounts.access import access_record
from rapport.accounts.models import Team, User
from rapport.core.errors import Conflict, NotFound
from rapport.core.web import current_user, translate_errors
from rapport.dedupe.merge import merge_undo, organization_merge, person_merge
from rapport.dedupe.merge.fields import (
    DUPLICATE,
    SURVIVOR,
    FieldGroup,
    groups_for,
    merged_custom_fields,
    resolve_choices,
)
from rapport.dedupe.merge.services import label_of
from rapport.dedupe.models import Entity, MergeRecord
from rapport.dedupe.selectors import related_counts
from rapport.dedupe.services import entity_model
from rapport.people.models import Organization, Person


def _shown(record: Any, group: FieldGroup) -> str:
    parts = []
    for name in group.fields:
        value = getattr(record, name)
        if value in (None, ""):
            continue
        if name == "owner_id":
            user = User.objects.filter(pk=value).first()
            value = user.display_name if user else f"#{value}"
        elif name == "team_id":
            team = Team.objects.filter(pk=value).first()
            value = team.name if team else f"#{value}"
        elif hasattr(record, f"get_{name}_display"):
            value = getattr(record, f"get_{name}_display")()
        elif hasattr(value, "strftime"):
            value = value.strftime("%-d %b %Y")
        parts.append(str(value))
    return ", ".join(parts) or "—"


def _choices_from(data: QueryDict) -> dict[str, str]:
    return {
        key.removeprefix("choice_"): value
        for key, value in data.items()
        if key.startswith("choice_") and value in (SURVIVOR, DUPLICATE)
    }


def _pair(request: HttpRequest, entity: str, survivor_id: int, duplicate_id: int) -> Any:
    user = current_user(request)
    model = entity_model(entity)
    survivor = access_record(model.objects.all(), user, pk=survivor_id, for_write=True)
    duplicate = access_record(model.objects.all(), user, pk=duplicate_id, for_write=True)
    return user, survivor, duplicate


@translate_errors
@require_http_methods(["GET", "POST"])
def merge_view(
    request: HttpRequest, entity: str, survivor_id: int, duplicate_id: int
) -> HttpResponse:
    if entity not in Entity.values:
        raise NotFound("No such kind of record.")
    user, survivor, duplicate = _pair(request, entity, survivor_id, duplicate_id)
    if survivor.pk == duplicate.pk or survivor.is_deleted or duplicate.is_deleted:
        raise Conflict("Merging needs two different records, neither in the trash.")
    data = request.POST if request.method == "POST" else request.GET
    choices = resolve_choices(survivor, duplicate, _choices_from(data))
    if request.method == "POST":
        merge = person_merge if isinstance(survivor, Person) else organization_merge
        merged = merge(survivor=survivor, duplicate=duplicate, field_choices=choices,
                       merged_by=user)  # fmt: skip
        messages.success(request, f"Merged {label_of(duplicate)} into {label_of(merged)}. "
                                  "You can undo this from the record's duplicates panel.")  # fmt: skip
        detail = "people:person_detail" if entity == Entity.PERSON else "people:organization_detail"
        return redirect(detail, pk=merged.pk)
    rows = []
    for group in groups_for(survivor):
        ours, theirs = _shown(survivor, group), _shown(duplicate, group)
        chosen = choices[group.name]
        rows.append({"group": group, "survivor": ours, "duplicate": theirs, "chosen": chosen,
                     "result": theirs if chosen == DUPLICATE else ours, "same": ours == theirs})  # fmt: skip
    context = {
        "entity": entity, "survivor": survivor, "duplicate": duplicate, "rows": rows,
        "survivor_label": label_of(survivor), "duplicate_label": label_of(duplicate),
        "custom_fields": merged_custom_fields(survivor, duplicate),
        "moving": related_counts(duplicate),
    }  # fmt: skip
    return render(request, "dedupe/merge.html", context)


@translate_errors
@require_POST
def merge_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    merge = get_object_or_404(MergeRecord, pk=pk)
    model: type[Person] | type[Organization] = entity_model(merge.entity)
    # Invisible survivors are "not found", as everywhere else.
    access_record(model.objects.all(), user, pk=merge.survivor_id)
    restored = merge_undo(merge=merge, actor=user)
    messages.success(request, f"Merge undone: {label_of(restored)} is back as a separate record.")
    detail = (
        "people:person_detail" if merge.entity == Entity.PERSON else "people:organization_detail"
    )
    return redirect(detail, pk=merge.survivor_id)
