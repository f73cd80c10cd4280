"""The warning box on the person form and the duplicates panel on a person's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_POST

from rapport.dedupe.check import person_duplicates
from rapport.dedupe.models import Entity
from rapport.dedupe.orgcheck import organization_duplicates, organization_profile_from_data
from rapport.dedupe.profiles import person_profile_from_data
from rapport.dedupe.services import not_duplicate
from rapport.people.views.common import current_user, translate_errors

FORM_LIMIT = 3


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def form_profile(post: QueryDict) -> dict[str, Any]:
    """The person form's fields as a matcher profile (no validation: it is a hint)."""
    birthday: dt.date | None = None
    try:
        birthday = dt.date.fromisoformat(post.get("birthday", ""))
    except ValueError:
        birthday = None
    org_id = _int(post.get("organization_0"))
    return person_profile_from_data({
        "first_name": post.get("first_name", ""), "last_name": post.get("last_name", ""),
        "emails": _lines(post.get("emails", "")), "phones": _lines(post.get("phones", "")),
        "street": post.get("street", ""), "postcode": post.get("postcode", ""),
        "city": post.get("city", ""), "birthday": birthday,
        "organizations": [{"organization_id": org_id}] if org_id else [],
    })  # fmt: skip


@translate_errors
@require_POST
def person_check_view(request: HttpRequest) -> HttpResponse:
    """Likely duplicates of the person being typed into the form (an HTMX fragment)."""
    user = current_user(request)
    person_id = _int(request.GET.get("person"))
    dismissed = {i for i in (_int(v) for v in request.POST.getlist("dedupe_dismissed")) if i}
    profile = form_profile(request.POST)
    candidates = []
    if any(profile[k] for k in ("first_name", "last_name", "emails", "phones")):
        candidates = [
            c
            for c in person_duplicates(user=user, profile=profile, person_id=person_id, limit=5)
            if c.id not in dismissed
        ][:FORM_LIMIT]
    context = {"candidates": candidates, "person_id": person_id, "dismissed": sorted(dismissed)}
    return render(request, "dedupe/_check_box.html", context)


@translate_errors
@require_POST
def person_dismiss_view(request: HttpRequest) -> HttpResponse:
    """ "Not a duplicate" from the form: remembered when the person exists already; either
    way the candidate leaves the box (and the form remembers it for the next check)."""
    user = current_user(request)
    candidate = _int(request.POST.get("candidate"))
    person_id = _int(request.POST.get("person"))
    if candidate and person_id:
        not_duplicate(actor=user, entity=Entity.PERSON, record_a=person_id, record_b=candidate)
    return render(request, "dedupe/_dismissed.html", {"candidate": candidate})


@translate_errors
@require_POST
def organization_check_view(request: HttpRequest) -> HttpResponse:
    """Likely duplicates of the organisation being typed into the form (an HTMX fragment)."""
    user = current_user(request)
    org_id = _int(request.GET.get("organization"))
    dismissed = {i for i in (_int(v) for v in request.POST.getlist("dedupe_dismissed")) if i}
    profile = organization_profile_from_data(request.POST)
    candidates = []
    if profile["name"] or profile["domain"]:
        found = organization_duplicates(user=user, profile=profile, organization_id=org_id)
        candidates = [c for c in found if c.id not in dismissed][:FORM_LIMIT]
    context = {"candidates": candidates, "organization_id": org_id, "dismissed": sorted(dismissed)}
    return render(request, "dedupe/_org_check_box.html", context)


@translate_errors
@require_POST
def organization_dismiss_view(request: HttpRequest) -> HttpResponse:
    """ "Not a duplicate" from the organisation form (remembered once it exists)."""
    user = current_user(request)
    candidate = _int(request.POST.get("candidate"))
    org_id = _int(request.POST.get("organization"))
    if candidate and org_id:
        not_duplicate(actor=user, entity=Entity.ORGANIZATION, record_a=org_id,
                      record_b=candidate)  # fmt: skip
    return render(request, "dedupe/_dismissed.html", {"candidate": candidate})
