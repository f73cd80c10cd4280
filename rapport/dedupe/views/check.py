"""The warning box on the person and organisation forms, and its "not a duplicate"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_POST

from rapport.accounts.models import User
from rapport.core.params import id_or_none
from rapport.core.web import current_user, translate_errors
from rapport.dedupe.check import Scored, duplicates_of
from rapport.dedupe.models import Entity
from rapport.dedupe.orgcheck import organization_profile_from_data
from rapport.dedupe.profiles import person_profile_from_data
from rapport.dedupe.services import not_duplicate

FORM_LIMIT = 3


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _int(value: Any) -> int | None:
    return id_or_none(value)


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


def _form_candidates(
    entity: str, user: User, post: QueryDict, record_id: int | None
) -> Sequence[Scored]:
    """Likely duplicates of what the form says, when it says enough to tell."""
    if entity == Entity.PERSON:
        profile = form_profile(post)
        if not any(profile[k] for k in ("first_name", "last_name", "emails", "phones")):
            return []
    else:
        profile = organization_profile_from_data(post)
        if not (profile["name"] or profile["domain"] or profile["phone"]):
            return []
    return duplicates_of(entity, user=user, profile=profile, record_id=record_id, limit=5)


@translate_errors
@require_POST
def check_view(request: HttpRequest, entity: str) -> HttpResponse:
    """Likely duplicates of the person or organisation being typed into the form (an
    HTMX fragment). ``?person=`` / ``?organization=``: the record being edited."""
    record_id = _int(request.GET.get(entity))
    dismissed = {i for i in (_int(v) for v in request.POST.getlist("dedupe_dismissed")) if i}
    found = _form_candidates(entity, current_user(request), request.POST, record_id)
    context = {
        "candidates": [c for c in found if c.id not in dismissed][:FORM_LIMIT],
        "entity": entity, "record_id": record_id, "dismissed": sorted(dismissed),
        "detail_url": f"people:{entity}_detail", "edit_url": f"people:{entity}_edit",
        "dismiss_url": f"dedupe:{entity}_dismiss",
    }  # fmt: skip
    return render(request, "dedupe/_check_box.html", context)


@translate_errors
@require_POST
def dismiss_view(request: HttpRequest, entity: str) -> HttpResponse:
    """ "Not a duplicate" from the form: remembered when the record exists already; either
    way the candidate leaves the box (and the form remembers it for the next check)."""
    user = current_user(request)
    candidate = _int(request.POST.get("candidate"))
    record_id = _int(request.POST.get(entity))
    if candidate and record_id:
        not_duplicate(actor=user, entity=entity, record_a=record_id, record_b=candidate)
    return render(request, "dedupe/_dismissed.html", {"candidate": candidate})
