"""Pages: the segment list with member counts, and the builder with a live member count.

The builder posts its rows as parallel lists (``field``, ``op``, ``value``); it works
without JavaScript, and with HTMX the count refreshes as conditions change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.models import User
from rapport.core.errors import ValidationFailed
from rapport.core.web import current_user, error_messages, translate_errors
from rapport.insights.models import Segment, SegmentEntity
from rapport.insights.segments import OPERATOR_LABELS, describe_condition, fields_for
from rapport.insights.selectors import apply_segment, segment_get, segment_records, segments_for
from rapport.insights.services import can_recompute, segment_create, segment_delete, segment_update
from rapport.people.models import Organization, Person
from rapport.people.selectors import capped_count

LIST_URLS = {"person": "people:person_list", "organization": "people:organization_list"}


def _conditions_from(post: Any) -> list[dict[str, Any]]:
    """The builder's rows, without empty ones and without the row whose ✕ was pressed."""
    fields, ops, values = post.getlist("field"), post.getlist("op"), post.getlist("value")
    removed = post.get("remove", "")
    rows = []
    for index, name in enumerate(fields):
        if not name or removed == str(index):
            continue
        op = ops[index] if index < len(ops) else "eq"
        raw = values[index] if index < len(values) else ""
        value: Any = [v.strip() for v in raw.split(",") if v.strip()] if op == "in" else raw
        rows.append({"field": name, "op": op, "value": value})
    return rows


def _count(user: User, entity: str, conditions: list[dict[str, Any]]) -> tuple[int, bool]:
    model: type[Person] | type[Organization] = Person if entity == "person" else Organization
    from rapport.accounts.access import visible_to

    base = visible_to(model.objects.filter(deleted_at__isnull=True), user)
    return capped_count(apply_segment(base, entity=entity, definition=conditions, me=user.pk))


def _builder_context(
    user: User, *, segment: Segment | None, entity: str, name: str, shared: bool,
    conditions: list[dict[str, Any]], add_row: bool = False,
) -> dict[str, Any]:  # fmt: skip
    fields = fields_for(entity)
    rows = [dict(c, shown=", ".join(map(str, c["value"])) if isinstance(c["value"], list)
                 else str(c["value"])) for c in conditions]  # fmt: skip
    if add_row or not rows:
        rows.append({"field": "", "op": "eq", "value": "", "shown": ""})
    errors: list[str] = []
    count: tuple[int, bool] | None = None
    # While a row is being filled in, count with the rows that are complete.
    complete = [c for c in conditions if c["value"] not in ("", [])]
    try:
        count = _count(user, entity, complete)
    except ValidationFailed as exc:
        errors = error_messages(exc)
    return {
        "segment": segment, "entity": entity, "name": name, "shared": shared, "rows": rows,
        "fields": fields, "operators": OPERATOR_LABELS, "entities": SegmentEntity.choices,
        "count": count, "errors": errors, "can_share": can_recompute(user),
    }  # fmt: skip


@translate_errors
@require_GET
def segment_list_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = []
    for segment in segments_for(user=user):
        try:
            count: tuple[int, bool] | None = capped_count(
                segment_records(segment=segment, user=user)
            )
        except ValidationFailed:  # a custom field it used was deleted
            count = None
        rows.append({
            "segment": segment, "count": count,
            "conditions": [describe_condition(segment.entity, c) for c in segment.definition],
            "list_url": reverse(LIST_URLS[segment.entity]) + f"?segment={segment.pk}",
            "mine": segment.owner_id == user.pk or user.is_admin,
        })  # fmt: skip
    return render(request, "insights/segment_list.html", {"rows": rows})


@translate_errors
@require_http_methods(["GET", "POST"])
def segment_builder_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = current_user(request)
    segment = segment_get(user=user, pk=pk) if pk is not None else None
    if segment is not None and not (user.is_admin or segment.owner_id == user.pk):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only the segment's owner or an admin can change it.")
    if request.method == "GET":
        entity = segment.entity if segment else request.GET.get("entity", "person")
        entity = entity if entity in SegmentEntity.values else "person"
        context = _builder_context(
            user, segment=segment, entity=entity, name=segment.name if segment else "",
            shared=segment.shared if segment else False,
            conditions=list(segment.definition) if segment else [],
        )  # fmt: skip
        return render(request, "insights/segment_builder.html", context)
    post = request.POST
    entity = segment.entity if segment else post.get("entity", "person")
    entity = entity if entity in SegmentEntity.values else "person"
    conditions = _conditions_from(post)
    name, shared = post.get("name", ""), post.get("shared") == "on"
    htmx = request.headers.get("HX-Request") == "true"
    # htmx swaps only 2xx answers, so its form comes back as 200 even with errors.
    form_template = "insights/_segment_form.html" if htmx else "insights/segment_builder.html"
    if "save" in post:
        data = {"name": name, "shared": shared, "definition": conditions}
        try:
            if segment is None:
                segment = segment_create(actor=user, data={**data, "entity": entity})
            else:
                segment = segment_update(
                    actor=user, segment=segment, data=data, expected_version=None
                )
        except ValidationFailed as exc:
            context = _builder_context(user, segment=segment, entity=entity, name=name,
                                       shared=shared, conditions=conditions)  # fmt: skip
            context["errors"] = error_messages(exc)
            return render(request, form_template, context, status=200 if htmx else 422)
        messages.success(request, f"Saved segment “{segment.name}”.")
        target = reverse(LIST_URLS[entity]) + f"?segment={segment.pk}"
        if htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    context = _builder_context(user, segment=segment, entity=entity, name=name, shared=shared,
                               conditions=conditions, add_row="add" in post)  # fmt: skip
    return render(request, form_template, context)


@translate_errors
@require_POST
def segment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    segment = segment_get(user=user, pk=pk)
    segment_delete(actor=user, segment=segment)
    messages.success(request, f"Deleted segment “{segment.name}”.")
    return redirect("insights:segment_list")
