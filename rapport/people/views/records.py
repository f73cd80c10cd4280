"""Detail, create, edit, delete and restore pages for people and organisations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.accounts.access import access_record, can_edit, require_writer
from rapport.accounts.models import Team, User
from rapport.core.audit import audit_history
from rapport.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from rapport.core.extensions import panels_for
from rapport.core.forms import add_service_errors
from rapport.core.models import AuditEvent
from rapport.core.web import current_user, translate_errors
from rapport.people import services
from rapport.people.custom_fields import definitions_for
from rapport.people.forms import OrganizationForm, PersonForm, RecordForm
from rapport.people.models import (
    ConsentStatus,
    CustomFieldDefinition,
    CustomFieldType,
    LifecycleStage,
    Organization,
    OrganizationSize,
    Person,
    RelationshipType,
)
from rapport.people.normalize import phone_display
from rapport.people.selectors import (
    ListFilter,
    organization_detail,
    organization_list,
    organization_people,
    person_detail,
    still_visible,
)

HISTORY_LIMIT = 100
# Stored values shown the way the forms show them ("won_back" → "Won back").
CHOICE_LABELS: dict[str, dict[Any, str]] = {
    "lifecycle_stage": dict(LifecycleStage.choices),
    "email_consent": dict(ConsentStatus.choices),
    "relationship_type": dict(RelationshipType.choices),
    "size": dict(OrganizationSize.choices),
}
RELATED_LIMIT = 100
ORG_CHOICE_LIMIT = 500
STALE_MESSAGE = (
    "Someone changed this record while you were editing it, so your changes were not saved. "
    "Open the record again to see the latest version, then make your change again."
)


def _custom_rows(
    definitions: Iterable[CustomFieldDefinition], values: dict[str, Any]
) -> list[tuple[str, str]]:
    rows = []
    for definition in definitions:
        value = values.get(definition.key)
        if value is None or value == "":
            shown = "—"
        elif definition.field_type == CustomFieldType.BOOLEAN:
            shown = "Yes" if value else "No"
        else:
            shown = str(value)
        rows.append((definition.label, shown))
    return rows


def _history(entity_type: str, entity_id: int) -> list[dict[str, Any]]:
    """Audit events with owner/team ids shown as names (two queries, whatever the length)."""
    events: list[AuditEvent] = list(
        audit_history(entity_type=entity_type, entity_id=entity_id)[:HISTORY_LIMIT]
    )
    user_ids: set[int] = set()
    team_ids: set[int] = set()
    for event in events:
        for field, target in (("owner", user_ids), ("team", team_ids)):
            for value in event.changes.get(field) or []:
                if isinstance(value, int):
                    target.add(value)
    users = {u.pk: u.display_name for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    teams = {t.pk: t.name for t in Team.objects.filter(pk__in=team_ids)} if team_ids else {}
    names: dict[str, dict[Any, str]] = {"owner": users, "team": teams, **CHOICE_LABELS}

    def show(field: str, value: Any) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if field in names and isinstance(value, int | str):
            return names[field].get(value, f"#{value}" if isinstance(value, int) else value)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{k}: {v}" for k, v in value.items())
        return str(value)

    return [
        {
            "event": event,
            "changes": [
                (field.replace("_", " "), show(field, pair[0]), show(field, pair[1]))
                for field, pair in sorted(event.changes.items())
                if isinstance(pair, list) and len(pair) == 2
            ],
        }
        for event in events
    ]


@translate_errors
def person_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = person_detail(user=user, pk=pk)
    context = {
        "person": person,
        "can_edit": can_edit(user, person),
        "phones": [(p, phone_display(p.number)) for p in person.phones.all()],
        "custom_rows": _custom_rows(definitions_for("person"), person.custom_fields),
        "history": _history("person", person.pk),
        **_panels("person"),
    }
    return render(request, "people/person_detail.html", context)


def _panels(entity: str) -> dict[str, Any]:
    """Panels other apps add to the page (loaded lazily, each with its own access check)."""
    return {f"panels_{column}": panels_for(entity, column) for column in ("top", "side", "main")}


@translate_errors
def organization_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    org = organization_detail(user=user, pk=pk)
    people = list(organization_people(user=user, organization=org)[: RELATED_LIMIT + 1])
    context = {
        "org": org,
        "can_edit": can_edit(user, org),
        "affiliations": people[:RELATED_LIMIT],
        "more_people": len(people) > RELATED_LIMIT,
        "custom_rows": _custom_rows(definitions_for("organization"), org.custom_fields),
        "history": _history("organization", org.pk),
        **_panels("organization"),
    }
    return render(request, "people/organization_detail.html", context)


def _org_choices(user: User) -> list[tuple[int, str]]:
    visible = organization_list(user=user, flt=ListFilter(sort="name"))
    return list(visible.values_list("pk", "name")[:ORG_CHOICE_LIMIT])


def _person_form(request: HttpRequest, user: User, person: Person | None) -> PersonForm:
    return PersonForm(
        request.POST if request.method == "POST" else None,
        actor=user, instance=person, definitions=definitions_for("person"), org_choices=_org_choices(user),
    )  # fmt: skip


def _save(request: HttpRequest, form: RecordForm, write: Any) -> Any | None:
    """Run the service; on a validation or version error put the messages on the form."""
    if not form.is_valid():
        return None
    try:
        return write(form)
    except StaleVersion:
        form.add_error(None, STALE_MESSAGE)
    except ValidationFailed as exc:
        add_service_errors(form, exc.detail)
    return None


def _form_page(
    request: HttpRequest, template: str, form: RecordForm, record: Any = None
) -> HttpResponse:
    status = 200 if request.method == "GET" else 422
    return render(request, template, {"form": form, "record": record}, status=status)


def _saved(
    request: HttpRequest, user: User, record: Person | Organization, verb: str
) -> HttpResponse:
    """After a committed create or change: the record's page, or — when the editor gave it
    away and may no longer see it — the list, saying so (its page would be a 404)."""
    is_person = isinstance(record, Person)
    name = record.full_name if isinstance(record, Person) else record.name
    if still_visible(user=user, record=record):
        messages.success(request, f"{verb} {name}.")
        detail = "people:person_detail" if is_person else "people:organization_detail"
        return redirect(detail, pk=record.pk)
    gone = "them: they now belong" if is_person else "it: it now belongs"
    messages.success(request, f"{verb} {name}. You can no longer see {gone} to someone else.")
    return redirect("people:person_list" if is_person else "people:organization_list")


@translate_errors
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_writer(user)
    form = _person_form(request, user, None)
    if request.method == "POST":
        person = _save(
            request, form, lambda f: services.person_create(actor=user, data=f.to_service_data())
        )
        if person is not None:
            return _saved(request, user, person, "Added")
    return _form_page(request, "people/person_form.html", form)


def _editable_person(user: User, pk: int) -> Person:
    person = person_detail(user=user, pk=pk)
    if not can_edit(user, person):
        raise PermissionDenied("You may see this person but not change them.")
    return person


@translate_errors
@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = _editable_person(user, pk)
    if person.is_deleted:
        messages.error(request, "This person is in the trash: restore them before editing.")
        return redirect("people:person_detail", pk=pk)
    form = _person_form(request, user, person)
    if request.method == "POST":
        saved = _save(request, form, lambda f: services.person_update(
            actor=user, person=person, data=f.to_service_data(), expected_version=f.expected_version()
        ))  # fmt: skip
        if saved is not None:
            return _saved(request, user, saved, "Saved")
    return _form_page(request, "people/person_form.html", form, person)


def _org_form(request: HttpRequest, user: User, org: Organization | None) -> OrganizationForm:
    return OrganizationForm(
        request.POST if request.method == "POST" else None,
        actor=user, instance=org, definitions=definitions_for("organization"),
    )  # fmt: skip


@translate_errors
@require_http_methods(["GET", "POST"])
def organization_create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_writer(user)
    form = _org_form(request, user, None)
    if request.method == "POST":
        org = _save(
            request,
            form,
            lambda f: services.organization_create(actor=user, data=f.to_service_data()),
        )
        if org is not None:
            return _saved(request, user, org, "Added")
    return _form_page(request, "people/organization_form.html", form)


@translate_errors
@require_http_methods(["GET", "POST"])
def organization_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    org = access_record(Organization.objects.prefetch_related("tags"), user, pk=pk, for_write=True)
    if org.is_deleted:
        messages.error(request, "This organisation is in the trash: restore it before editing.")
        return redirect("people:organization_detail", pk=pk)
    form = _org_form(request, user, org)
    if request.method == "POST":
        saved = _save(request, form, lambda f: services.organization_update(
            actor=user, organization=org, data=f.to_service_data(), expected_version=f.expected_version()
        ))  # fmt: skip
        if saved is not None:
            return _saved(request, user, saved, "Saved")
    return _form_page(request, "people/organization_form.html", form, org)


@translate_errors
@require_POST
def person_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = access_record(Person.objects.all(), user, pk=pk, for_write=True)
    if request.POST.get("restore"):
        services.person_restore(actor=user, person=person)
        messages.success(request, f"Restored {person.full_name}.")
    else:
        services.person_delete(actor=user, person=person)
        messages.success(request, f"Moved {person.full_name} to the trash.")
    return redirect("people:person_detail", pk=pk)


@translate_errors
@require_POST
def organization_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    org = access_record(Organization.objects.all(), user, pk=pk, for_write=True)
    if request.POST.get("restore"):
        services.organization_restore(actor=user, organization=org)
        messages.success(request, f"Restored {org.name}.")
    else:
        services.organization_delete(actor=user, organization=org)
        messages.success(request, f"Moved {org.name} to the trash.")
    return redirect("people:organization_detail", pk=pk)
