"""Foundation routes: accounts, people, organisations, custom fields, saved views."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from rapport.people.models import CustomFieldDefinition, Organization, Person, SavedView
from tests.rapport.security.matrix import (
    ADMIN,
    EDITS_RECORD,
    EVERYONE,
    PUBLIC,
    SEES_RECORD,
    WRITERS,
    Case,
    GiveAway,
    World,
)


def _person(w: World) -> dict[str, Any]:
    return {"pk": w.person.pk}


def _org(w: World) -> dict[str, Any]:
    return {"pk": w.org.pk}


def _tagged(w: World) -> bool:
    return w.person.tags.filter(name="matrix").exists()


def _person_deleted(w: World) -> bool:
    w.person.refresh_from_db()
    return w.person.deleted_at is not None


# Pages: URL name → cases.
PAGES: dict[str, list[Case]] = {
    "healthz": [Case("GET", frozenset(PUBLIC))],
    "accounts:login": [Case("GET", frozenset(PUBLIC))],
    "accounts:logout": [Case("POST", frozenset(EVERYONE), ends_at_login=True)],
    "accounts:password_change": [Case("GET", frozenset(EVERYONE))],
    "accounts:password_change_done": [Case("GET", frozenset(EVERYONE))],
    # A forgotten password: open to anyone, and the link itself is the credential.
    "accounts:password_reset": [Case("GET", frozenset(PUBLIC))],
    "accounts:password_reset_done": [Case("GET", frozenset(PUBLIC))],
    "accounts:password_reset_confirm": [
        Case("GET", frozenset(PUBLIC), kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"})
    ],
    "accounts:password_reset_complete": [Case("GET", frozenset(PUBLIC))],
    "accounts:settings": [Case("GET", frozenset(ADMIN))],
    "accounts:user_list": [
        Case("GET", frozenset(ADMIN)),
        Case("POST", frozenset(ADMIN), data=lambda w: {"username": "newbie", "role": "rep"}),
    ],
    "accounts:user_edit": [
        Case("GET", frozenset(ADMIN), kwargs=lambda w: {"pk": w.users["rep"].pk}),
        Case(
            "POST",
            frozenset(ADMIN),
            kwargs=lambda w: {"pk": w.users["rep"].pk},
            data=lambda w: {"role": "manager"},
        ),
    ],
    "accounts:user_active": [
        Case(
            "POST",
            frozenset(ADMIN),
            kwargs=lambda w: {"pk": w.users["rep2"].pk},
            data=lambda w: {"active": "0"},
        )
    ],
    "accounts:team_list": [
        Case("GET", frozenset(ADMIN)),
        Case("POST", frozenset(ADMIN), data=lambda w: {"name": "East"}),
    ],
    "accounts:workspace": [
        Case("GET", frozenset(ADMIN)),
        Case("POST", frozenset(ADMIN), data=lambda w: {"visibility": "team"}),
    ],
    "people:home": [Case("GET", frozenset(EVERYONE))],
    "people:person_list": [Case("GET", frozenset(EVERYONE))],
    "people:person_create": [
        Case("GET", frozenset(WRITERS)),
        Case("POST", frozenset(WRITERS), data=lambda w: {"first_name": "New"}),
    ],
    "people:person_bulk": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            data=lambda w: {"action": "tag", "tags": "matrix", "ids": [w.person.pk]},
            effect=_tagged,
        )
    ],
    "people:person_detail": [Case("GET", frozenset(SEES_RECORD), kwargs=_person)],
    "people:person_edit": [
        Case("GET", frozenset(EDITS_RECORD), kwargs=_person),
        Case("POST", frozenset(EDITS_RECORD), kwargs=_person, data=lambda w: {"first_name": ""}),
    ],
    "people:person_delete": [
        Case("POST", frozenset(EDITS_RECORD), kwargs=_person, effect=_person_deleted)
    ],
    "people:organization_list": [Case("GET", frozenset(EVERYONE))],
    "people:organization_create": [
        Case("GET", frozenset(WRITERS)),
        Case("POST", frozenset(WRITERS), data=lambda w: {"name": "New Org"}),
    ],
    "people:organization_bulk": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            data=lambda w: {"action": "tag", "tags": "matrix", "ids": [w.org.pk]},
            effect=lambda w: w.org.tags.filter(name="matrix").exists(),
        )
    ],
    "people:organization_detail": [Case("GET", frozenset(SEES_RECORD), kwargs=_org)],
    "people:organization_edit": [
        Case("GET", frozenset(EDITS_RECORD), kwargs=_org),
        Case("POST", frozenset(EDITS_RECORD), kwargs=_org, data=lambda w: {"name": ""}),
    ],
    "people:organization_delete": [Case("POST", frozenset(EDITS_RECORD), kwargs=_org)],
    "people:saved_view_create": [
        Case(
            "POST",
            frozenset(EVERYONE),
            kwargs=lambda w: {"entity": "person"},
            data=lambda w: {"name": "Mine", "query": "tag=vip"},
        )
    ],
    "people:saved_view_delete": [
        Case(
            "POST",
            frozenset({"rep"}),
            kwargs=lambda w: {"pk": w.saved_view.pk},
            effect=lambda w: not SavedView.objects.filter(pk=w.saved_view.pk).exists(),
        )
    ],
    "people:search": [Case("GET", frozenset(EVERYONE), data=lambda w: {"q": "ana"})],
    "people:tag_options": [
        Case("GET", frozenset(EVERYONE), data=lambda w: {"entity": "person", "tag": "v"})
    ],
    "people:custom_field_list": [
        Case("GET", frozenset(ADMIN)),
        Case(
            "POST",
            frozenset(ADMIN),
            data=lambda w: {
                "entity": "person",
                "key": "shoe",
                "label": "Shoe",
                "field_type": "number",
            },
        ),
    ],
    "people:custom_field_edit": [
        Case("GET", frozenset(ADMIN), kwargs=lambda w: {"pk": w.field_def.pk}),
        Case(
            "POST",
            frozenset(ADMIN),
            kwargs=lambda w: {"pk": w.field_def.pk},
            data=lambda w: {"label": "Tier"},
        ),
    ],
    "people:custom_field_delete": [
        Case(
            "POST",
            frozenset(ADMIN),
            kwargs=lambda w: {"pk": w.field_def.pk},
            effect=lambda w: not CustomFieldDefinition.objects.filter(pk=w.field_def.pk).exists(),
        )
    ],
}

# API operations: (METHOD, OpenAPI path) → case. Paths are relative to /api/v1.
API: dict[tuple[str, str], Case] = {
    ("GET", "/people"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/people"): Case("POST", frozenset(WRITERS), data=lambda w: {"first_name": "Api"}),
    ("GET", "/people/{person_id}"): Case("GET", frozenset(SEES_RECORD)),
    ("PATCH", "/people/{person_id}"): Case(
        "PATCH", frozenset(EDITS_RECORD), data=lambda w: {"title": "CEO"}
    ),
    ("DELETE", "/people/{person_id}"): Case(
        "DELETE", frozenset(EDITS_RECORD), effect=_person_deleted
    ),
    ("POST", "/people/{person_id}/restore"): Case("POST", frozenset(EDITS_RECORD)),
    ("GET", "/organizations"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/organizations"): Case(
        "POST", frozenset(WRITERS), data=lambda w: {"name": "Api Org"}
    ),
    ("GET", "/organizations/{organization_id}"): Case("GET", frozenset(SEES_RECORD)),
    ("PATCH", "/organizations/{organization_id}"): Case(
        "PATCH", frozenset(EDITS_RECORD), data=lambda w: {"industry": "Food"}
    ),
    ("DELETE", "/organizations/{organization_id}"): Case("DELETE", frozenset(EDITS_RECORD)),
    ("POST", "/organizations/{organization_id}/restore"): Case("POST", frozenset(EDITS_RECORD)),
    ("GET", "/organizations/{organization_id}/people"): Case("GET", frozenset(SEES_RECORD)),
    ("GET", "/custom-fields"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/custom-fields"): Case(
        "POST",
        frozenset(ADMIN),
        data=lambda w: {"entity": "person", "key": "shoe", "label": "Shoe", "field_type": "number"},
    ),
    ("GET", "/custom-fields/{definition_id}"): Case("GET", frozenset(EVERYONE)),
    ("PATCH", "/custom-fields/{definition_id}"): Case(
        "PATCH", frozenset(ADMIN), data=lambda w: {"label": "Tier"}
    ),
    ("DELETE", "/custom-fields/{definition_id}"): Case("DELETE", frozenset(ADMIN)),
    ("GET", "/me"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/users"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/users/{user_id}"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/teams"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/teams/{team_id}"): Case("GET", frozenset(EVERYONE)),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {
        "person_id": world.person.pk,
        "organization_id": world.org.pk,
        "definition_id": world.field_def.pk,
        "user_id": world.users["rep"].pk,
        "team_id": world.teams["north"].pk,
    }


# --- writes that give the record away (issue 10 item 6) -------------------------------------


def _rita(w: World) -> int:
    return int(w.users["rep2"].pk)


def _away(w: World, visibility: str, api: bool) -> dict[str, Any]:
    """Owner rita; under team visibility also no team. API ids or form values."""
    if api:
        return {"owner_id": _rita(w)} | ({"team_id": None} if visibility == "team" else {})
    team = w.teams["north"].pk if visibility == "private" else ""
    return {"owner": _rita(w), "team": team}


def _one_created(model: type[Person] | type[Organization], **match: Any) -> Any:
    def check(w: World) -> bool:
        rows = model.objects.filter(**match)
        return rows.count() == 1 and rows.get().owner_id == _rita(w)

    return check


def _person_given(w: World) -> bool:
    now = Person.objects.get(pk=w.person.pk)
    return now.owner_id == _rita(w) and now.version == w.person.version + 1


def _org_given(w: World) -> bool:
    now = Organization.objects.get(pk=w.org.pk)
    return now.owner_id == _rita(w) and now.version == w.org.version + 1


PERSON_FORM = {"first_name": "Ana", "lifecycle_stage": "prospect", "email_consent": "unknown"}
ORG_FORM = {"name": "Matrix Org", "relationship_type": "prospect"}


def _give_away_cases() -> list[GiveAway]:
    cases = []
    for vis in ("private", "team"):
        cases += [
            GiveAway(f"api-create-person-{vis}", vis, True, "POST", lambda w: "/api/v1/people",
                     lambda w, v=vis: {"first_name": "Given", **_away(w, v, True)}, 201,
                     _one_created(Person, first_name="Given")),
            GiveAway(f"api-patch-person-{vis}", vis, True, "PATCH",
                     lambda w: f"/api/v1/people/{w.person.pk}",
                     lambda w, v=vis: _away(w, v, True), 200, _person_given),
            GiveAway(f"api-create-org-{vis}", vis, True, "POST", lambda w: "/api/v1/organizations",
                     lambda w, v=vis: {"name": "Given Org", **_away(w, v, True)}, 201,
                     _one_created(Organization, name="Given Org")),
            GiveAway(f"api-patch-org-{vis}", vis, True, "PATCH",
                     lambda w: f"/api/v1/organizations/{w.org.pk}",
                     lambda w, v=vis: _away(w, v, True), 200, _org_given),
            GiveAway(f"page-create-person-{vis}", vis, False, "POST",
                     lambda w: reverse("people:person_create"),
                     lambda w, v=vis: {**PERSON_FORM, "first_name": "Given", **_away(w, v, False)},
                     302, _one_created(Person, first_name="Given")),
            GiveAway(f"page-edit-person-{vis}", vis, False, "POST",
                     lambda w: reverse("people:person_edit", kwargs={"pk": w.person.pk}),
                     lambda w, v=vis: {**PERSON_FORM, "version": w.person.version,
                                      **_away(w, v, False)},
                     302, _person_given),
            GiveAway(f"page-create-org-{vis}", vis, False, "POST",
                     lambda w: reverse("people:organization_create"),
                     lambda w, v=vis: {**ORG_FORM, "name": "Given Org", **_away(w, v, False)},
                     302, _one_created(Organization, name="Given Org")),
            GiveAway(f"page-edit-org-{vis}", vis, False, "POST",
                     lambda w: reverse("people:organization_edit", kwargs={"pk": w.org.pk}),
                     lambda w, v=vis: {**ORG_FORM, "version": w.org.version,
                                      **_away(w, v, False)},
                     302, _org_given),
        ]  # fmt: skip
    return cases


GIVE_AWAY = _give_away_cases()
