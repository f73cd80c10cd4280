"""/email-templates: list, read, create, change, delete."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.api.auth import current_user
from rapport.api.concurrency import conditional_get, etag_for, expected_version
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.campaigns.api.schemas import ListParams, TemplateIn, TemplateOut, TemplatePage
from rapport.campaigns.models import EmailTemplate
from rapport.campaigns.selectors import template_get, template_list
from rapport.campaigns.services.templates import template_create, template_delete, template_update

router = Router(tags=["e-mail templates"])


@router.get(
    "/email-templates", response={200: TemplatePage, **ERRORS}, summary="List e-mail templates"
)
def list_templates(request: HttpRequest, params: Query[ListParams]) -> dict[str, object]:
    user = current_user(request)
    page = paginate(request, template_list(user=user), sort="name", limit=params.limit)
    return {"results": page.items, "next": page.next_url}


@router.post(
    "/email-templates", response={201: TemplateOut, **WRITE_ERRORS}, summary="Create a template"
)
def create_template(
    request: HttpRequest, payload: TemplateIn, response: HttpResponse
) -> Status[EmailTemplate]:
    """Unknown merge fields are refused (422) with the field they are in."""
    template = template_create(actor=current_user(request), data=payload.to_service_data())
    response["ETag"] = etag_for(template)
    response["Location"] = request.build_absolute_uri(f"{request.path}/{template.pk}")
    return Status(201, template)


@router.get("/email-templates/{template_id}", response={200: TemplateOut, 304: None, **ERRORS},
            summary="Get a template")  # fmt: skip
def get_template(
    request: HttpRequest, template_id: int, response: HttpResponse
) -> EmailTemplate | HttpResponse:
    template = template_get(user=current_user(request), pk=template_id)
    if (not_modified := conditional_get(request, response, template)) is not None:
        return not_modified
    return template


@router.patch("/email-templates/{template_id}", response={200: TemplateOut, **WRITE_ERRORS},
              summary="Change a template")  # fmt: skip
def update_template(
    request: HttpRequest, template_id: int, payload: TemplateIn, response: HttpResponse
) -> EmailTemplate:
    user = current_user(request)
    template = template_get(user=user, pk=template_id)
    version = expected_version(request, template)
    template = template_update(actor=user, template=template,
                               data=payload.to_service_data(), expected_version=version)  # fmt: skip
    response["ETag"] = etag_for(template)
    return template


@router.delete("/email-templates/{template_id}", response={204: None, **WRITE_ERRORS},
               summary="Delete a template")  # fmt: skip
def delete_template(request: HttpRequest, template_id: int) -> Status[None]:
    """A template that campaigns use cannot be deleted (409)."""
    user = current_user(request)
    template = template_get(user=user, pk=template_id)
    version = expected_version(request, template)
    template_delete(actor=user, template=template, expected_version=version)
    return Status(204, None)
