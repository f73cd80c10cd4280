"""Campaigns: create, change, delete, schedule (or send now), cancel.

Who: admins and managers run campaigns (they reach many people at once). A campaign
has an owner and a team and follows the records' rules: who may see a person of that
owner and team sees the campaign, and a campaigner who may change such a record may
change, send and cancel it. The audience is a segment's members as the owner sees
them, or a fixed list (picked by id, or the people list's filter resolved when the
audience is set). Whoever sends it must see every one of them: it is refused
otherwise, and the worker only ever reaches people the sender may see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from rapport.accounts.access import can_edit, visible_to
from rapport.accounts.access_campaigns import require_campaigner, templates_usable
from rapport.accounts.models import User
from rapport.campaigns.models import AudienceKind, Campaign, CampaignStatus, TemplateKind
from rapport.campaigns.services.audience import hidden_from
from rapport.campaigns.services.ownership import assign_owner_team, set_default_owner
from rapport.core.audit import diff_snapshots
from rapport.core.errors import Conflict, PermissionDenied, ValidationFailed
from rapport.core.events import emit
from rapport.core.locking import changed_columns, column_values, lock_at_version, save_with_version
from rapport.core.models import AuditAction
from rapport.core.params import id_or_none
from rapport.insights.selectors import segments_for
from rapport.people.models import Person
from rapport.people.normalize import clean_text
from rapport.people.selectors import ListFilter, person_list

MAX_STATIC = 1_000_000
EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)


def _static_ids(actor: User, data: Mapping[str, Any], errors: dict[str, list[str]]) -> list[int]:
    if data.get("people_filter"):
        flt = ListFilter.from_params(QueryDict(str(data["people_filter"]).lstrip("?")))
        ids = list(person_list(user=actor, flt=flt).values_list("pk", flat=True)[: MAX_STATIC + 1])
    else:
        given = data.get("person_ids") or []
        parsed = [id_or_none(i) for i in given] if isinstance(given, list | tuple) else [None]
        if None in parsed:
            errors["person_ids"] = ["Give a list of person ids."]
            return []
        wanted = sorted({i for i in parsed if i is not None})
        visible = Person.objects.alive().filter(pk__in=wanted)
        ids = sorted(visible_to(visible, actor).values_list("pk", flat=True))
        missing = set(wanted) - set(ids)
        if missing:
            errors["person_ids"] = [
                f"No person with id {', '.join(map(str, sorted(missing)[:20]))} (or you may not see them)."
            ]
    if len(ids) > MAX_STATIC:
        errors["person_ids"] = [f"A fixed list holds at most {MAX_STATIC:,} people."]
    return ids


def _apply(actor: User, campaign: Campaign, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "name" in data:
        campaign.name = clean_text(data["name"] or "")[:200]
    if not campaign.name:
        errors["name"] = ["A campaign needs a name."]
    assign_owner_team(actor=actor, record=campaign, data=data, errors=errors, noun="campaign")
    if "template_id" in data:
        template = templates_usable(actor).filter(pk=data["template_id"] or 0).first()
        if template is None:
            errors["template_id"] = ["No template with that id, or you may not see it."]
        elif template.kind != TemplateKind.MARKETING:
            errors["template_id"] = [
                "Campaigns send marketing templates (with an unsubscribe link)."
            ]
        else:
            campaign.template = template
    elif campaign.template_id is None:
        errors["template_id"] = ["Choose a template."]
    if "audience_kind" in data:
        if data["audience_kind"] not in AudienceKind.values:
            errors["audience_kind"] = [f"Must be one of: {', '.join(AudienceKind.values)}."]
        else:
            campaign.audience_kind = data["audience_kind"]
    if campaign.audience_kind == AudienceKind.SEGMENT:
        if "segment_id" in data:
            segment = segments_for(user=actor).filter(pk=data["segment_id"] or 0).first()
            if segment is None:
                errors["segment_id"] = ["No such segment, or you may not use it."]
            else:
                campaign.segment = segment
        if campaign.segment_id is None and "segment_id" not in errors:
            errors["segment_id"] = ["Choose a segment."]
    elif campaign.audience_kind == AudienceKind.STATIC:
        if "person_ids" in data or "people_filter" in data:
            campaign.static_person_ids = _static_ids(actor, data, errors)
        if not campaign.static_person_ids and "person_ids" not in errors:
            errors["person_ids"] = ["Pick at least one person."]
        campaign.segment = None
    else:
        errors.setdefault("audience_kind", ["Choose a segment or a fixed list."])
    if errors:
        raise ValidationFailed(errors)


def _snapshot(c: Campaign) -> dict[str, Any]:
    return {"name": c.name, "template": c.template_id, "audience_kind": c.audience_kind,
            "segment": c.segment_id, "people": len(c.static_person_ids or []), "status": c.status,
            "scheduled_at": c.scheduled_at, "owner": c.owner_id, "team": c.team_id,
            "scheduled_by": c.scheduled_by_id}  # fmt: skip


@transaction.atomic
def campaign_create(*, actor: User, data: Mapping[str, Any]) -> Campaign:
    require_campaigner(actor)
    campaign = Campaign(created_by=actor)
    set_default_owner(campaign, actor)
    _apply(actor, campaign, data)
    campaign.save()
    emit("campaign.created", entity_type="campaign", entity_ids=[campaign.pk], actor=actor,
         changes=diff_snapshots({}, _snapshot(campaign)), audit=AuditAction.CREATE)  # fmt: skip
    return campaign


def _require_change(actor: User, campaign: Campaign) -> None:
    if not can_edit(actor, campaign):
        raise PermissionDenied("You may see this campaign but not change it.")


def _locked(campaign: Campaign, actor: User, expected_version: int | None) -> Campaign:
    require_campaigner(actor)
    return lock_at_version(
        Campaign, campaign.pk, expected_version,
        stale="This campaign changed since you loaded it; reload it and try again.",
        check=lambda locked: _require_change(actor, locked),
    )  # fmt: skip


def _changed(
    actor: User, campaign: Campaign, before: dict[str, Any], columns: dict[str, Any]
) -> None:
    """Save and audit ``campaign`` if its snapshot moved from ``before`` (``columns``:
    its ``column_values`` then)."""
    changes = diff_snapshots(before, _snapshot(campaign))
    if changes:
        save_with_version(campaign, changed_columns(campaign, columns))
        emit("campaign.updated", entity_type="campaign", entity_ids=[campaign.pk], actor=actor,
             changes=changes, audit=AuditAction.UPDATE)  # fmt: skip


@transaction.atomic
def campaign_update(
    *, actor: User, campaign: Campaign, data: Mapping[str, Any], expected_version: int | None = None
) -> Campaign:
    campaign = _locked(campaign, actor, expected_version)
    if campaign.status not in EDITABLE:
        raise Conflict("This campaign has started; it can no longer be changed.")
    before, columns = _snapshot(campaign), column_values(campaign)
    _apply(actor, campaign, data)
    if campaign.status == CampaignStatus.SCHEDULED:  # whoever changes it now sends it
        _require_sees_audience(campaign, actor)
        campaign.scheduled_by = actor
    _changed(actor, campaign, before, columns)
    return campaign


@transaction.atomic
def campaign_delete(
    *, actor: User, campaign: Campaign, expected_version: int | None = None
) -> None:
    campaign = _locked(campaign, actor, expected_version)
    if campaign.status not in (*EDITABLE, CampaignStatus.CANCELLED):
        raise Conflict("A campaign that sent e-mail is kept for its results; it cannot be deleted.")
    if campaign.recipients.exclude(status="queued").exists():
        raise Conflict("A campaign that sent e-mail is kept for its results; it cannot be deleted.")
    emit("campaign.deleted", entity_type="campaign", entity_ids=[campaign.pk], actor=actor,
         changes={"name": [campaign.name, None]}, audit=AuditAction.DELETE)  # fmt: skip
    campaign.delete()


def _require_sees_audience(campaign: Campaign, actor: User) -> None:
    hidden = hidden_from(campaign, actor)
    if hidden:
        raise PermissionDenied(
            f"This campaign's audience holds {hidden:,} {'person' if hidden == 1 else 'people'} "
            "you may not see; only someone who may see every recipient can send it."
        )


def campaign_schedule(
    *,
    actor: User,
    campaign: Campaign,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Campaign:
    """Send at ``at`` (None or past: now). The worker picks it up when it is due."""
    with transaction.atomic():
        campaign = _locked(campaign, actor, expected_version)
        if campaign.status not in EDITABLE:
            raise Conflict("This campaign has already started.")
        _require_sees_audience(campaign, actor)
        now = timezone.now()
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at)
        before, columns = _snapshot(campaign), column_values(campaign)
        campaign.status = CampaignStatus.SCHEDULED
        campaign.scheduled_at = at if at is not None and at > now else now
        campaign.scheduled_by = actor
        _changed(actor, campaign, before, columns)
    from rapport.campaigns.tasks import run_campaign

    # After the commit, so the worker finds it scheduled; if this enqueue is lost, the
    # worker's minute tick starts every due campaign anyway.
    _enqueue(run_campaign, campaign.pk, campaign.scheduled_at)
    return campaign


def _enqueue(task: Any, campaign_id: int, at: datetime | None) -> None:
    if at is not None and at > timezone.now():
        task.schedule(args=(campaign_id,), eta=at)
    else:
        task(campaign_id)


@transaction.atomic
def campaign_cancel(
    *, actor: User, campaign: Campaign, expected_version: int | None = None
) -> Campaign:
    """Stop a campaign (or drop a draft); e-mails already handed over stay sent."""
    campaign = _locked(campaign, actor, expected_version)
    if campaign.status not in (*EDITABLE, CampaignStatus.SENDING):
        raise Conflict("This campaign has finished; there is nothing to cancel.")
    before, columns = _snapshot(campaign), column_values(campaign)
    campaign.status = CampaignStatus.CANCELLED
    campaign.finished_at = timezone.now()
    _changed(actor, campaign, before, columns)
    return campaign
