"""Merging two people (or organisations) through the API, and undoing a merge."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from rapport.accounts.access import access_record
from rapport.accounts.access_dedupe import access_merge
from rapport.accounts.models import User
from rapport.api.auth import current_user
from rapport.api.concurrency import etag_for, expected_version
from rapport.api.responses import WRITE_ERRORS
from rapport.api.schemas import JsonObject
from rapport.api.types import DbId, JsonInt
from rapport.dedupe.merge import merge_undo, organization_merge, person_merge
from rapport.dedupe.merge.fields import (
    DUPLICATE,
    Record,
    check_choice_names,
    dump,
    groups_for,
    merged_custom_fields,
    resolve_choices,
)
from rapport.dedupe.merge.services import merge_check
from rapport.dedupe.models import MergeRecord
from rapport.dedupe.selectors import related_counts
from rapport.people.api.schemas import OrganizationOut, PersonOut
from rapport.people.models import Organization, Person, PersonEmail, PersonPhone
from rapport.people.selectors import organization_detail, person_detail

router = Router(tags=["duplicates"])


class MergeIn(JsonObject):
    duplicate_id: DbId = Field(description="The record merged away (it goes to the trash).")
    fields: dict[str, Literal["survivor", "duplicate"]] = Field(
        default_factory=dict,
        description='Which side each field group comes from, e.g. {"name": "duplicate"}; '
        "a group left out takes the most recent non-empty value.",
    )
    duplicate_version: JsonInt | None = Field(
        None, description="The duplicate's version you reviewed; 412 if it changed since."
    )


class FieldPreviewOut(Schema):
    name: str = Field(description="The field group, as named in a merge's `fields`.")
    label: str
    survivor: dict[str, Any]
    duplicate: dict[str, Any]
    choice: Literal["survivor", "duplicate"]
    result: dict[str, Any] = Field(description="What the merged record will hold.")


class MovingOut(Schema):
    kind: str
    count: int


class MergePreviewOut(Schema):
    survivor_id: int
    duplicate_id: int
    survivor_version: int
    duplicate_version: int = Field(description="Send it back as `duplicate_version` to merge.")
    fields: list[FieldPreviewOut]
    custom_fields: dict[str, Any] = Field(description="The merged custom fields.")
    emails: list[str] = Field(description="People: every e-mail the merged person keeps.")
    phones: list[str] = Field(description="People: every phone the merged person keeps.")
    moving: list[MovingOut] = Field(description="Rows that move from the duplicate.")


class UndoOut(Schema):
    merge_id: int
    entity: str
    survivor_id: int
    restored_id: int = Field(description="The duplicate, back as a separate record.")


def _undo_link(request: HttpRequest, merge: MergeRecord | None) -> str:
    if merge is None:
        return ""
    url = request.build_absolute_uri(f"/api/v1/duplicates/merges/{merge.pk}/undo")
    return f'<{url}>; rel="undo"'


def _latest_merge(entity: str, survivor_id: int, merged_id: int) -> MergeRecord | None:
    return MergeRecord.objects.filter(
        entity=entity, survivor_id=survivor_id, merged_id=merged_id, undone_at__isnull=True
    ).first()


def _kept(model: type[PersonEmail] | type[PersonPhone], column: str, ids: list[int]) -> list[str]:
    rows = model.objects.filter(person_id__in=ids).order_by("-is_primary", "id")
    kept: dict[str, int] = {}
    for person_id, value in rows.values_list("person_id", column):
        kept.setdefault(value, ids.index(person_id))
    return sorted(kept, key=lambda value: kept[value])  # the survivor's first


def _preview(user: User, survivor: Record, duplicate: Record, payload: MergeIn) -> dict[str, Any]:
    merge_check(user, survivor, duplicate)  # what the merge itself would refuse
    check_choice_names(survivor, payload.fields)
    choices = resolve_choices(survivor, duplicate, payload.fields)
    fields = []
    for group in groups_for(survivor):
        ours = {name: dump(getattr(survivor, name)) for name in group.fields}
        theirs = {name: dump(getattr(duplicate, name)) for name in group.fields}
        choice = choices[group.name]
        fields.append({"name": group.name, "label": group.label, "survivor": ours,
                       "duplicate": theirs, "choice": choice,
                       "result": theirs if choice == DUPLICATE else ours})  # fmt: skip
    ids = [survivor.pk, duplicate.pk]
    is_person = isinstance(survivor, Person)
    return {
        "survivor_id": survivor.pk, "duplicate_id": duplicate.pk,
        "survivor_version": survivor.version, "duplicate_version": duplicate.version,
        "fields": fields, "custom_fields": merged_custom_fields(survivor, duplicate),
        "emails": _kept(PersonEmail, "email", ids) if is_person else [],
        "phones": _kept(PersonPhone, "number", ids) if is_person else [],
        "moving": [{"kind": kind, "count": n} for kind, n in related_counts(duplicate)],
    }  # fmt: skip


@router.post(
    "/people/{person_id}/merge/preview",
    response={200: MergePreviewOut, **WRITE_ERRORS},
    summary="Preview a merge of people",
)
def preview_people_merge(request: HttpRequest, person_id: int, payload: MergeIn) -> dict[str, Any]:
    """What `POST /people/{person_id}/merge` with this body would do, changing nothing:
    each field group's two values, the side chosen (yours, else the most recent non-empty
    value) and the result; the e-mails and phones kept; the rows that would move. You
    must be able to edit both people, as for the merge."""
    user = current_user(request)
    survivor = access_record(Person.objects.all(), user, pk=person_id, for_write=True)
    duplicate = access_record(Person.objects.all(), user, pk=payload.duplicate_id, for_write=True)
    return _preview(user, survivor, duplicate, payload)


@router.post(
    "/organizations/{organization_id}/merge/preview",
    response={200: MergePreviewOut, **WRITE_ERRORS},
    summary="Preview a merge of organisations",
)
def preview_organizations_merge(
    request: HttpRequest, organization_id: int, payload: MergeIn
) -> dict[str, Any]:
    """As for people: what the merge would do, changing nothing."""
    user = current_user(request)
    orgs = Organization.objects.all()
    survivor = access_record(orgs, user, pk=organization_id, for_write=True)
    duplicate = access_record(orgs, user, pk=payload.duplicate_id, for_write=True)
    return _preview(user, survivor, duplicate, payload)


@router.post(
    "/people/{person_id}/merge", response={200: PersonOut, **WRITE_ERRORS}, summary="Merge people"
)
def merge_people(
    request: HttpRequest, person_id: int, payload: MergeIn, response: HttpResponse
) -> Person:
    """Merges `duplicate_id` into this person, who survives: the duplicate's e-mails,
    phones, activities, deals… move over and the duplicate goes to the trash. You must be
    able to edit both. `If-Match: <ETag>` of this person is honoured (412 when stale).
    The answer is the survivor; its `Link: <…/undo>; rel="undo"` header undoes the merge."""
    user = current_user(request)
    survivor = access_record(Person.objects.all(), user, pk=person_id, for_write=True)
    version = expected_version(request, survivor)
    duplicate = access_record(Person.objects.all(), user, pk=payload.duplicate_id, for_write=True)
    check_choice_names(survivor, payload.fields)
    person_merge(survivor=survivor, duplicate=duplicate, field_choices=payload.fields,
                 merged_by=user, expected_version=version,
                 duplicate_version=payload.duplicate_version)  # fmt: skip
    merged = person_detail(user=user, pk=person_id)
    response["ETag"] = etag_for(merged)
    response["Link"] = _undo_link(request, _latest_merge("person", person_id, duplicate.pk))
    return merged


@router.post(
    "/organizations/{organization_id}/merge",
    response={200: OrganizationOut, **WRITE_ERRORS},
    summary="Merge organisations",
)
def merge_organizations(
    request: HttpRequest, organization_id: int, payload: MergeIn, response: HttpResponse
) -> Organization:
    """As for people: `duplicate_id` is merged into this organisation (people's
    affiliations, deals… move over). `If-Match` honoured; `Link` rel="undo" in the answer."""
    user = current_user(request)
    orgs = Organization.objects.all()
    survivor = access_record(orgs, user, pk=organization_id, for_write=True)
    version = expected_version(request, survivor)
    duplicate = access_record(orgs, user, pk=payload.duplicate_id, for_write=True)
    check_choice_names(survivor, payload.fields)
    organization_merge(survivor=survivor, duplicate=duplicate, field_choices=payload.fields,
                       merged_by=user, expected_version=version,
                       duplicate_version=payload.duplicate_version)  # fmt: skip
    merged = organization_detail(user=user, pk=organization_id)
    response["ETag"] = etag_for(merged)
    response["Link"] = _undo_link(
        request, _latest_merge("organization", organization_id, duplicate.pk)
    )
    return merged


@router.post(
    "/duplicates/merges/{merge_id}/undo",
    response={200: UndoOut, **WRITE_ERRORS},
    summary="Undo a merge",
)
def undo_merge(request: HttpRequest, merge_id: int) -> dict[str, object]:
    """Puts the duplicate back exactly as it was, with its rows; survivor fields nobody
    changed since the merge go back too. You must be able to edit both records."""
    user = current_user(request)
    merge = access_merge(user, merge_id)
    restored = merge_undo(merge=merge, actor=user)
    return {"merge_id": merge.pk, "entity": merge.entity, "survivor_id": merge.survivor_id,
            "restored_id": restored.pk}  # fmt: skip
