"""Campaign pages: list, add, edit, schedule or send now, cancel, delete, results."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.access import can_edit
from rapport.accounts.models import User
from rapport.campaigns.forms import CampaignForm, ScheduleForm
from rapport.campaigns.models import AudienceKind, Campaign, CampaignStatus, RecipientStatus
from rapport.campaigns.selectors import (
    campaign_get,
    campaign_list,
    campaign_recipients,
    campaign_results,
)
from rapport.campaigns.services.campaigns import (
    EDITABLE,
    campaign_cancel,
    campaign_create,
    campaign_delete,
    campaign_schedule,
    campaign_update,
    can_run_campaigns,
    require_campaigner,
)
from rapport.campaigns.services.templates import templates_usable
from rapport.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from rapport.core.forms import add_service_errors
from rapport.core.web import current_user, translate_errors
from rapport.insights.selectors import segments_for

RECIPIENTS_PER_PAGE = 50
LIVE_BEFORE_START = timedelta(minutes=10)


def _segments(user: User) -> list[tuple[int, str]]:
    return list(segments_for(user=user).values_list("pk", "name")[:500])


@translate_errors
@require_GET
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    campaigns = list(campaign_list(user=user)[:200])
    return render(request, "campaigns/campaign_list.html",
                  {"campaigns": campaigns, "can_run": can_run_campaigns(user)})  # fmt: skip


def _form_page(
    request: HttpRequest, form: CampaignForm, record: Campaign | None = None
) -> HttpResponse:
    status = 422 if request.method == "POST" else 200
    return render(
        request, "campaigns/campaign_form.html", {"form": form, "record": record}, status=status
    )


def _save(form: CampaignForm, write: Any) -> Campaign | None:
    if not form.is_valid():
        return None
    try:
        return write(form.to_service_data())
    except StaleVersion as exc:
        form.add_error(None, str(exc.detail))
    except ValidationFailed as exc:
        add_service_errors(form, exc.detail)
    return None


@translate_errors
@require_http_methods(["GET", "POST"])
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_campaigner(user)
    initial: dict[str, Any] = {"audience_kind": AudienceKind.SEGMENT}
    if request.GET.get("people_filter") is not None:  # "E-mail these people" from the People list
        initial = {
            "audience_kind": AudienceKind.STATIC,
            "people_filter": request.GET["people_filter"],
        }
    form = CampaignForm(request.POST or None, initial=initial, segments=_segments(user),
                        templates=templates_usable(user))  # fmt: skip
    if request.method == "POST":
        saved = _save(form, lambda data: campaign_create(actor=user, data=data))
        if saved is not None:
            messages.success(
                request, f"Saved the campaign {saved.name}. Review it, then send or schedule it."
            )
            return redirect("campaigns:campaign_detail", pk=saved.pk)
    return _form_page(request, form)


@translate_errors
@require_http_methods(["GET", "POST"])
def campaign_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_campaigner(user)
    campaign = campaign_get(user=user, pk=pk)
    if not can_edit(user, campaign):
        raise PermissionDenied("You may see this campaign but not change it.")
    initial = {
        "name": campaign.name, "template_id": campaign.template_id, "audience_kind": campaign.audience_kind,
        "segment_id": campaign.segment_id, "version": campaign.version,
        "person_ids": ", ".join(map(str, campaign.static_person_ids[:1000])),
    }  # fmt: skip
    form = CampaignForm(request.POST or None, initial=initial, segments=_segments(user),
                        templates=templates_usable(user))  # fmt: skip
    if request.method == "POST":
        saved = _save(form, lambda data: campaign_update(
            actor=user, campaign=campaign, data=data, expected_version=form.cleaned_data.get("version")
        ))  # fmt: skip
        if saved is not None:
            messages.success(request, f"Saved the campaign {saved.name}.")
            return redirect("campaigns:campaign_detail", pk=saved.pk)
    return _form_page(request, form, campaign)


def _under_way(campaign: Campaign) -> bool:
    """Sending, or about to: its results page refreshes itself (HTMX polling the page)."""
    if campaign.status == CampaignStatus.SENDING:
        return True
    soon = timezone.now() + LIVE_BEFORE_START
    return campaign.status == CampaignStatus.SCHEDULED and (
        campaign.scheduled_at is None or campaign.scheduled_at <= soon
    )


@translate_errors
@require_GET
def campaign_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign and its results: counts per status, rates, recipients you may see."""
    user = current_user(request)
    campaign = campaign_get(user=user, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in RecipientStatus.values else ""
    recipients = Paginator(
        campaign_recipients(user=user, campaign=campaign, status=status), RECIPIENTS_PER_PAGE
    )
    page = recipients.get_page(request.GET.get("page"))
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign, "results": campaign_results(campaign), "page": page, "status": status,
        "can_run": can_run_campaigns(user) and can_edit(user, campaign), "editable": campaign.status in EDITABLE,
        "cancellable": campaign.status in (CampaignStatus.SCHEDULED, CampaignStatus.SENDING),  # a draft is deleted instead
        "schedule_form": ScheduleForm(), "status_label": dict(RecipientStatus.choices).get(status, ""),
        "live": _under_way(campaign),
    })  # fmt: skip


@translate_errors
@require_POST
def campaign_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    campaign = campaign_get(user=user, pk=pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That date and time is not valid.")
        return redirect("campaigns:campaign_detail", pk=pk)
    at = form.cleaned_data.get("at")
    campaign = campaign_schedule(actor=user, campaign=campaign, at=at)
    if campaign.scheduled_at is not None and campaign.scheduled_at > timezone.now():
        when = timezone.localtime(campaign.scheduled_at)
        messages.success(request, f"Scheduled for {when:%d %b %Y %H:%M}.")
    else:
        messages.success(request, "Sending: the worker is handing the e-mails to the mail server.")
    return redirect("campaigns:campaign_detail", pk=pk)


@translate_errors
@require_POST
def campaign_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    campaign_cancel(actor=user, campaign=campaign_get(user=user, pk=pk))
    messages.success(request, "Cancelled: no more e-mails of this campaign will be sent.")
    return redirect("campaigns:campaign_detail", pk=pk)


@translate_errors
@require_POST
def campaign_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    campaign = campaign_get(user=user, pk=pk)
    campaign_delete(actor=user, campaign=campaign)
    messages.success(request, f"Deleted the campaign {campaign.name}.")
    return redirect("campaigns:campaign_list")
