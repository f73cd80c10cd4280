"""The timeline panel on person and organisation pages, and its inline forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.access import access_record, can_write
from rapport.accounts.models import User
from rapport.activities import services, task_services
from rapport.activities.forms import CallForm, MeetingForm, NoteForm, TaskForm
from rapport.activities.selectors import activity_detail, assignable_users
from rapport.activities.timeline import Cursor, kind_choices, timeline_page
from rapport.core.errors import PermissionDenied, ValidationFailed
from rapport.core.forms import add_service_errors
from rapport.core.htmx import htmx_partial
from rapport.core.web import current_user, safe_next, translate_errors
from rapport.people.models import Organization, Person

PAGE_SIZE = 20
FORMS: dict[str, type[forms.Form]] = {"note": NoteForm, "call": CallForm, "meeting": MeetingForm}


def _record(user: User, entity: str, pk: int) -> Any:
    """The record, if the user may see it (404 otherwise); no relations: the panel needs none."""
    model = Person if entity == "person" else Organization
    return access_record(model.objects.all(), user, pk=pk)


def _record_url(entity: str, pk: int) -> str:
    name = "people:person_detail" if entity == "person" else "people:organization_detail"
    return reverse(name, args=[pk])


def _kinds(request: HttpRequest) -> list[str]:
    known = {k for k, _ in kind_choices()}
    chosen = request.GET.get("kind", "")
    if chosen == "email":
        return ["email_in", "email_out"]
    return [chosen] if chosen in known else []


BUTTONS = {"note": "Add note", "call": "Log call", "meeting": "Log meeting", "task": "Add task"}


def _blank_form(user: User, what: str) -> forms.Form:
    if what == "task":
        return TaskForm(assignees=list(assignable_users(user)), actor=user, auto_id="task_%s")
    return FORMS[what](auto_id=f"{what}_%s")


def _panel(
    request: HttpRequest, entity: str, record: Any, *, bound: forms.Form | None = None,
    open_form: str = "",
) -> HttpResponse:  # fmt: skip
    """The whole panel; an entry form is rendered only when it comes back with errors."""
    user = current_user(request)
    page = timeline_page(
        entity=entity, record=record, user=user, limit=PAGE_SIZE, kinds=_kinds(request)
    )
    context = {
        **_urls(entity, record), "entity": entity, "record": record, "page": page,
        "forms": {open_form: bound} if bound is not None else {},
        "can_write": can_write(user), "kind": request.GET.get("kind", ""),
        "kind_choices": _menu(), "open_form": open_form,
    }  # fmt: skip
    return render(request, "activities/_timeline.html", context)


def _urls(entity: str, record: Any) -> dict[str, str]:
    return {
        "timeline_url": reverse(f"activities:{entity}_timeline", args=[record.pk]),
        "log_url": reverse(f"activities:{entity}_log", args=[record.pk]),
    }


def _menu() -> list[tuple[str, str]]:
    choices = [(k, label) for k, label in kind_choices() if k not in ("email_in", "email_out")]
    return [*choices[:3], ("email", "E-mails"), *choices[3:]]


def _timeline(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    user = current_user(request)
    record = _record(user, entity, pk)
    what = request.GET.get("form", "")
    if what in BUTTONS:  # an entry form, fetched when the user opens it
        if not can_write(user):
            raise PermissionDenied("Your role is read-only.")
        context = {
            **_urls(entity, record),
            "what": what,
            "form": _blank_form(user, what),
            "button": BUTTONS[what],
        }
        return render(request, "activities/_log_form_body.html", context)
    before = Cursor.decode(request.GET.get("before"))
    if before is None:
        return _panel(request, entity, record)
    page = timeline_page(
        entity=entity,
        record=record,
        user=user,
        before=before,
        limit=PAGE_SIZE,
        kinds=_kinds(request),
    )
    context = {
        "page": page, "kind": request.GET.get("kind", ""),
        "timeline_url": reverse(f"activities:{entity}_timeline", args=[record.pk]),
    }  # fmt: skip
    return render(request, "activities/_timeline_items.html", context)


@translate_errors
@require_GET
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    return _timeline(request, "person", pk)


@translate_errors
@require_GET
def organization_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    return _timeline(request, "organization", pk)


def _log(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    """Add a note, call, meeting or task to the record; HTMX gets the refreshed panel."""
    user = current_user(request)
    record = _record(user, entity, pk)
    what = request.POST.get("what", "")
    ids = {"people" if entity == "person" else "organizations": [record.pk]}
    if what == "task":
        form: forms.Form = TaskForm(
            request.POST, assignees=list(assignable_users(user)), actor=user, auto_id="task_%s"
        )
    elif what in FORMS:
        form = FORMS[what](request.POST, auto_id=f"{what}_%s")
    else:
        raise ValidationFailed({"what": ["Choose a note, a call, a meeting or a task."]})
    saved = False
    if form.is_valid():
        data = {**form.to_service_data(), **ids}  # type: ignore[attr-defined]
        try:
            if what == "task":
                task_services.task_create(actor=user, data=data)
            else:
                services.activity_log(actor=user, kind=what, data=data)
            saved = True
        except ValidationFailed as exc:
            add_service_errors(form, exc.detail)
    if not htmx_partial(request):
        if saved:
            messages.success(request, "Saved to the timeline.")
        else:
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return redirect(_record_url(entity, record.pk) + "#timeline")
    if saved:
        return _panel(request, entity, record)
    return _panel(request, entity, record, bound=form, open_form=what)


@translate_errors
@require_POST
def person_log(request: HttpRequest, pk: int) -> HttpResponse:
    return _log(request, "person", pk)


@translate_errors
@require_POST
def organization_log(request: HttpRequest, pk: int) -> HttpResponse:
    return _log(request, "organization", pk)


@translate_errors
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    activity = activity_detail(user=user, pk=pk)
    services.activity_delete(actor=user, activity=activity)
    messages.success(request, "Deleted.")
    return redirect(safe_next(request, reverse("people:home")))
