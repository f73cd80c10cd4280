"""E-mail templates: create, change, delete. Merge fields are checked on save.

Templates have an owner and a team and follow the records' rules: who may see a
person may see a template of the same owner and team, who may change one may change
the other. A template that a scheduled or sending campaign is about to send may only
be changed by someone who may also change that campaign (or its content could be
swapped under an audience the editor cannot see).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from rapport.accounts.access import can_edit, require_writer
from rapport.accounts.access_campaigns import can_change_template
from rapport.accounts.models import User
from rapport.campaigns import merge_fields
from rapport.campaigns.models import Campaign, CampaignStatus, EmailTemplate, TemplateKind
from rapport.campaigns.services.ownership import assign_owner_team, set_default_owner
from rapport.core.audit import diff_snapshots
from rapport.core.errors import Conflict, PermissionDenied, ValidationFailed
from rapport.core.events import emit
from rapport.core.locking import (
    changed_columns,
    check_version,
    column_values,
    lock_at_version,
    save_with_version,
)
from rapport.core.models import AuditAction
from rapport.people.custom_fields import definitions_for
from rapport.people.normalize import clean_text

FIELDS = ("name", "subject", "body_text", "body_html", "kind")
STALE_TEMPLATE = "This template changed since you loaded it; reload it and try again."


def _check_campaigns_allow(actor: User, template: EmailTemplate) -> None:
    about_to_send = Campaign.objects.filter(
        template=template, status__in=(CampaignStatus.SCHEDULED, CampaignStatus.SENDING)
    )
    for campaign in about_to_send.only("pk", "name", "owner_id", "team_id"):
        if not can_edit(actor, campaign):
            raise PermissionDenied(
                "A campaign you may not change is about to send this template; "
                "it can be changed once that campaign is sent or cancelled."
            )


def person_custom_keys() -> list[str]:
    return list(definitions_for("person").values_list("key", flat=True))


def merge_field_groups() -> list[merge_fields.FieldGroup]:
    """The merge fields the template editor and the compose form list."""
    custom = definitions_for("person").values_list("key", "label")
    return merge_fields.field_groups(custom_fields=list(custom))


def _apply(actor: User, template: EmailTemplate, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    assign_owner_team(actor=actor, record=template, data=data, errors=errors, noun="template")
    if "name" in data:
        template.name = clean_text(data["name"] or "")[:200]
    if "subject" in data:
        template.subject = merge_fields.single_line(str(data["subject"] or ""))[:300]
    for field in ("body_text", "body_html"):
        if field in data:
            setattr(template, field, str(data[field] or "").replace("\r\n", "\n"))
    if "kind" in data:
        if data["kind"] not in TemplateKind.values:
            errors["kind"] = [f"Must be one of: {', '.join(TemplateKind.values)}."]
        else:
            template.kind = data["kind"]
    for field, label in (("name", "A template needs a name."), ("subject", "Write a subject."),
                         ("body_text", "Write the text of the e-mail.")):  # fmt: skip
        if not getattr(template, field).strip():
            errors.setdefault(field, []).append(label)
    keys = person_custom_keys()
    for field in ("subject", "body_text", "body_html"):
        problems = merge_fields.template_errors(getattr(template, field), custom_keys=keys)
        if problems:
            errors.setdefault(field, []).extend(problems)
    if errors:
        raise ValidationFailed(errors)


def _snapshot(template: EmailTemplate) -> dict[str, Any]:
    return {
        **{field: getattr(template, field) for field in FIELDS},
        "owner": template.owner_id, "team": template.team_id,
    }  # fmt: skip


@transaction.atomic
def template_create(*, actor: User, data: Mapping[str, Any]) -> EmailTemplate:
    require_writer(actor)
    template = EmailTemplate(created_by=actor)
    set_default_owner(template, actor)
    _apply(actor, template, data)
    template.save()
    emit("email_template.created", entity_type="email_template", entity_ids=[template.pk],
         actor=actor, changes=diff_snapshots({}, _snapshot(template)), audit=AuditAction.CREATE)  # fmt: skip
    return template


@transaction.atomic
def template_update(
    *,
    actor: User,
    template: EmailTemplate,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> EmailTemplate:
    def may_change(locked: EmailTemplate) -> None:
        if not can_change_template(actor, locked):
            raise PermissionDenied("You may not change this template.")

    template = lock_at_version(EmailTemplate, template.pk, expected_version, stale=STALE_TEMPLATE,
                               check=may_change)  # fmt: skip
    _check_campaigns_allow(actor, template)
    before, columns = _snapshot(template), column_values(template)
    _apply(actor, template, data)
    changes = diff_snapshots(before, _snapshot(template))
    if changes:
        save_with_version(template, changed_columns(template, columns))
        emit("email_template.updated", entity_type="email_template", entity_ids=[template.pk],
             actor=actor, changes=changes, audit=AuditAction.UPDATE)  # fmt: skip
    return template


@transaction.atomic
def template_delete(
    *, actor: User, template: EmailTemplate, expected_version: int | None = None
) -> None:
    if not can_change_template(actor, template):
        raise PermissionDenied("You may not delete this template.")
    check_version(template, expected_version, stale=STALE_TEMPLATE)
    if template.campaigns.exists():
        raise Conflict("Campaigns use this template; it cannot be deleted.")
    emit("email_template.deleted", entity_type="email_template", entity_ids=[template.pk],
         actor=actor, changes={"name": [template.name, None]}, audit=AuditAction.DELETE)  # fmt: skip
    template.delete()
