"""/custom-fields: every user reads the definitions; only admins change them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status

from rapport.accounts.access import require_admin
from rapport.api.auth import current_user
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.core.errors import NotFound
from rapport.people.api.schemas import (
    CustomFieldCreate,
    CustomFieldEntity,
    CustomFieldOut,
    CustomFieldUpdate,
)
from rapport.people.custom_field_services import (
    custom_field_create,
    custom_field_delete,
    custom_field_update,
)
from rapport.people.models import CustomFieldDefinition

router = Router(tags=["custom fields"])


def _definition(definition_id: int) -> CustomFieldDefinition:
    definition = CustomFieldDefinition.objects.filter(pk=definition_id).first()
    if definition is None:
        raise NotFound("No custom field with that id.")
    return definition


@router.get(
    "/custom-fields", response={200: list[CustomFieldOut], **ERRORS}, summary="List custom fields"
)
def list_custom_fields(
    request: HttpRequest, entity: CustomFieldEntity | None = None
) -> QuerySet[CustomFieldDefinition]:
    current_user(request)
    qs = CustomFieldDefinition.objects.all()
    return qs.filter(entity=entity) if entity else qs


@router.get(
    "/custom-fields/{definition_id}",
    response={200: CustomFieldOut, **ERRORS},
    summary="Get a custom field",
)
def get_custom_field(request: HttpRequest, definition_id: int) -> CustomFieldDefinition:
    current_user(request)
    return _definition(definition_id)


@router.post(
    "/custom-fields",
    response={201: CustomFieldOut, **WRITE_ERRORS},
    summary="Create a custom field (admin)",
)
def create_custom_field(
    request: HttpRequest, payload: CustomFieldCreate
) -> Status[CustomFieldDefinition]:
    return Status(
        201, custom_field_create(actor=current_user(request), data=payload.to_service_data())
    )


@router.patch(
    "/custom-fields/{definition_id}",
    response={200: CustomFieldOut, **WRITE_ERRORS},
    summary="Change a custom field (admin)",
)
def update_custom_field(
    request: HttpRequest, definition_id: int, payload: CustomFieldUpdate
) -> CustomFieldDefinition:
    user = current_user(request)
    require_admin(user)  # before the lookup, so non-admins cannot probe ids
    return custom_field_update(
        actor=user, definition=_definition(definition_id), data=payload.to_service_data()
    )


@router.delete(
    "/custom-fields/{definition_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a custom field (admin)",
)
def delete_custom_field(request: HttpRequest, definition_id: int) -> Status[None]:
    """Removes the definition; values already stored on records are kept but no longer shown."""
    user = current_user(request)
    require_admin(user)
    custom_field_delete(actor=user, definition=_definition(definition_id))
    return Status(204, None)
