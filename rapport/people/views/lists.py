"""The people and organisation lists: search, filters, sort, pages, saved views, bulk actions."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.access import can_write
from rapport.accounts.models import Team, User
from rapport.core.errors import RapportError, ValidationFailed
from rapport.core.params import id_or_none
from rapport.core.web import (
    current_user,
    error_messages,
    render_page_or_fragment,
    safe_next,
    translate_errors,
)
from rapport.people import bulk
from rapport.people.custom_fields import definitions_for
from rapport.people.forms import BulkActionForm, SavedViewForm, assignable_owners
from rapport.people.models import (
    ConsentStatus,
    CustomFieldType,
    LifecycleStage,
    Organization,
    Person,
    RelationshipType,
)
from rapport.people.saved_views import clean_query, saved_view_delete, saved_view_save
from rapport.people.selectors import (
    ListFilter,
    capped_count,
    organization_list,
    person_list,
    saved_views_for,
    with_list_relations,
)

SORT_LABELS = {
    "-updated": "Recently updated", "updated": "Least recently updated", "name": "Name A–Z",
    "-name": "Name Z–A", "-created": "Newest", "created": "Oldest",
}  # fmt: skip


@dataclass(frozen=True)
class ListKind:
    entity: str
    model: type[Person] | type[Organization]
    select: Callable[..., QuerySet[Any]]
    url_name: str
    title: str


PEOPLE = ListKind("person", Person, person_list, "people:person_list", "People")
ORGANIZATIONS = ListKind(
    "organization", Organization, organization_list, "people:organization_list", "Organisations"
)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _page_window(page: int, last: int) -> list[int | None]:
    """Page numbers to show: first, last and two either side of the current; None is a gap."""
    shown = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    window: list[int | None] = []
    for n in shown:
        if window and n - (window[-1] or 0) > 1:
            window.append(None)
        window.append(n)
    return window


def _custom_filters(kind: ListKind, flt: ListFilter) -> list[dict[str, Any]]:
    """Choice and yes/no custom fields as filter selects, with the current value."""
    filters = []
    for definition in definitions_for(kind.entity):
        if definition.field_type == CustomFieldType.CHOICE:
            options = [(c, c) for c in definition.choices]
        elif definition.field_type == CustomFieldType.BOOLEAN:
            options = [("true", "Yes"), ("false", "No")]
        else:
            continue
        filters.append({
            "name": f"cf_{definition.key}", "label": definition.label,
            "value": flt.custom.get(definition.key, ""), "options": options,
        })  # fmt: skip
    return filters


def _filter_choices(kind: ListKind, user: User, flt: ListFilter) -> dict[str, Any]:
    return {
        "owners": list(
            User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
        ),
        "teams": list(Team.objects.all()),
        "stages": LifecycleStage.choices,
        "relationship_types": RelationshipType.choices,
        "consents": ConsentStatus.choices,
        "sorts": list(SORT_LABELS.items()),
        "custom_filters": _custom_filters(kind, flt),
        "bulk_owners": list(assignable_owners(user).order_by("username"))
        if can_write(user)
        else [],
    }


def _list_page(request: HttpRequest, kind: ListKind) -> HttpResponse:
    user = current_user(request)
    size = int(settings.RAPPORT["LIST_PAGE_SIZE"])
    page = _page_number(request)
    flt = ListFilter.from_params(request.GET)
    errors: list[str] = []
    try:
        qs = kind.select(user=user, flt=flt)
        count, capped = capped_count(qs)
        rows = list(with_list_relations(qs, user=user)[(page - 1) * size : page * size])
    except ValidationFailed as exc:
        errors = error_messages(exc)
        count, capped, rows = 0, False, []
    last = max(1, math.ceil(count / size))
    query = clean_query(request.GET.urlencode())
    context = {
        "kind": kind,
        "flt": flt,
        "rows": rows,
        "count": count,
        "capped": capped,
        "page": page,
        "pages": _page_window(min(page, last), last),
        "has_prev": page > 1,
        "has_next": page < last or capped,
        "first_row": (page - 1) * size + 1,
        "last_row": (page - 1) * size + len(rows),
        "filter_errors": errors,
        "query": query,
        "can_write": can_write(user),
        "saved_views": list(saved_views_for(user=user, entity=kind.entity)),
        "filtered": flt != ListFilter(sort=flt.sort),
        **_filter_choices(kind, user, flt),
    }
    template = "people/person_list.html" if kind is PEOPLE else "people/organization_list.html"
    fragment = "people/_person_rows.html" if kind is PEOPLE else "people/_organization_rows.html"
    return render_page_or_fragment(request, template, fragment, context)


@translate_errors
@require_GET
def person_list_view(request: HttpRequest) -> HttpResponse:
    return _list_page(request, PEOPLE)


@translate_errors
@require_GET
def organization_list_view(request: HttpRequest) -> HttpResponse:
    return _list_page(request, ORGANIZATIONS)


def _bulk(request: HttpRequest, kind: ListKind) -> HttpResponse:
    user = current_user(request)
    back = safe_next(request, reverse(kind.url_name))
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for field, field_errors in form.errors.items():
            for message in field_errors:
                text = str(message)
                messages.error(
                    request, text if field == "__all__" else f"{field.capitalize()}: {text}"
                )
        return redirect(back)
    ids = form.selected_ids()
    action = form.cleaned_data["action"]
    try:
        if action == "tag":
            done = bulk.bulk_add_tags(actor=user, model=kind.model, ids=ids, tags=form.tag_names())
            summary = "Tagged {n} with " + ", ".join(form.tag_names())
        elif action == "owner":
            owner = _bulk_owner(user, form.cleaned_data.get("owner") or "")
            done = bulk.bulk_assign_owner(actor=user, model=kind.model, ids=ids, owner=owner)
            summary = "Assigned {n} to " + (owner.display_name if owner else "nobody")
        elif action == "stage" and kind is PEOPLE:
            stage = form.cleaned_data["stage"]
            done = bulk.bulk_set_stage(actor=user, ids=ids, stage=stage)
            summary = "Moved {n} to " + str(LifecycleStage(stage).label)
        elif action == "delete":
            done = bulk.bulk_delete(actor=user, model=kind.model, ids=ids)
            summary = "Moved {n} to the trash"
        else:
            raise ValidationFailed({"action": ["This action does not apply here."]})
    except RapportError as exc:
        if exc.status_code == 403:
            raise
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect(back)
    skipped = len(set(ids)) - done
    note = (
        f" {skipped} skipped: you may not change {'it' if skipped == 1 else 'them'}."
        if skipped > 0
        else ""
    )
    records = f"{done} record" if done == 1 else f"{done} records"
    messages.success(request, summary.replace("{n}", records) + "." + note)
    return redirect(back)


def _bulk_owner(actor: User, raw: str) -> User | None:
    if raw in ("", "none"):
        return None
    owner = assignable_owners(actor).filter(pk=id_or_none(raw) or -1).first()
    if owner is None:
        raise ValidationFailed({"owner": ["Choose someone you may assign records to."]})
    return owner


@translate_errors
@require_POST
def person_bulk_view(request: HttpRequest) -> HttpResponse:
    return _bulk(request, PEOPLE)


@translate_errors
@require_POST
def organization_bulk_view(request: HttpRequest) -> HttpResponse:
    return _bulk(request, ORGANIZATIONS)


@translate_errors
@require_POST
def saved_view_create_view(request: HttpRequest, entity: str) -> HttpResponse:
    kinds = {PEOPLE.entity: PEOPLE, ORGANIZATIONS.entity: ORGANIZATIONS}
    if entity not in kinds:
        raise Http404("No such list.")
    kind = kinds[entity]
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the view a name (up to 100 characters).")
        return redirect(safe_next(request, reverse(kind.url_name)))
    try:
        view = saved_view_save(
            user=current_user(request), entity=kind.entity,
            name=form.cleaned_data["name"], query=form.cleaned_data.get("query") or "",
        )  # fmt: skip
    except ValidationFailed as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect(safe_next(request, reverse(kind.url_name)))
    messages.success(request, f"Saved the view “{view.name}”.")
    return redirect(
        f"{reverse(kind.url_name)}?{view.query}" if view.query else reverse(kind.url_name)
    )


@translate_errors
@require_POST
def saved_view_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    saved_view_delete(user=current_user(request), pk=pk)
    messages.success(request, "Deleted the saved view.")
    return redirect(safe_next(request, reverse("people:person_list")))
