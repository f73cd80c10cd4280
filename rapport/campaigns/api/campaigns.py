"""/campaigns: list, read, create, change, delete, send (now or at a time), cancel, results."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from rapport.accounts.models import User
from rapport.api.auth import current_user
from rapport.api.concurrency import conditional_get, etag_for, expected_version
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.campaigns.api.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPage,
    ListParams,
    ResultsOut,
    ScheduleIn,
)
from rapport.campaigns.models import Campaign
from rapport.campaigns.selectors import campaign_get, campaign_list, campaign_results
from rapport.campaigns.services.campaigns import (
    campaign_cancel,
    campaign_create,
    campaign_delete,
    campaign_schedule,
    campaign_update,
)

router = Router(tags=["campaigns"])


def _fresh(user: User, pk: int, response: HttpResponse) -> Campaign:
    campaign = campaign_get(user=user, pk=pk)
    response["ETag"] = etag_for(campaign)
    return campaign


@router.get("/campaigns", response={200: CampaignPage, **ERRORS}, summary="List campaigns")
def list_campaigns(request: HttpRequest, params: Query[ListParams]) -> dict[str, object]:
    user = current_user(request)
    page = paginate(request, campaign_list(user=user), sort="-created", limit=params.limit)
    return {"results": page.items, "next": page.next_url}


@router.post("/campaigns", response={201: CampaignOut, **WRITE_ERRORS}, summary="Create a campaign")
def create_campaign(
    request: HttpRequest, payload: CampaignIn, response: HttpResponse
) -> Status[Campaign]:
    """Admins and managers. Audience: `segment_id`, or `person_ids` / `people_filter`."""
    user = current_user(request)
    campaign = campaign_create(actor=user, data=payload.to_service_data())
    response["Location"] = request.build_absolute_uri(f"{request.path}/{campaign.pk}")
    return Status(201, _fresh(user, campaign.pk, response))


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, 304: None, **ERRORS},
            summary="Get a campaign")  # fmt: skip
def get_campaign(
    request: HttpRequest, campaign_id: int, response: HttpResponse
) -> Campaign | HttpResponse:
    campaign = campaign_get(user=current_user(request), pk=campaign_id)
    if (not_modified := conditional_get(request, response, campaign)) is not None:
        return not_modified
    return campaign


@router.patch("/campaigns/{campaign_id}", response={200: CampaignOut, **WRITE_ERRORS},
              summary="Change a campaign")  # fmt: skip
def update_campaign(
    request: HttpRequest, campaign_id: int, payload: CampaignIn, response: HttpResponse
) -> Campaign:
    """Only before it starts sending (409 after). `owner_id` / `team_id` hand it over, as
    for records; a change that would leave you unable to change it is refused (422)."""
    user = current_user(request)
    campaign = campaign_get(user=user, pk=campaign_id)
    version = expected_version(request, campaign)
    campaign_update(actor=user, campaign=campaign, data=payload.to_service_data(),
                    expected_version=version)  # fmt: skip
    return _fresh(user, campaign_id, response)


@router.delete("/campaigns/{campaign_id}", response={204: None, **WRITE_ERRORS},
               summary="Delete a campaign")  # fmt: skip
def delete_campaign(request: HttpRequest, campaign_id: int) -> Status[None]:
    user = current_user(request)
    campaign = campaign_get(user=user, pk=campaign_id)
    version = expected_version(request, campaign)
    campaign_delete(actor=user, campaign=campaign, expected_version=version)
    return Status(204, None)


@router.post("/campaigns/{campaign_id}/send", response={202: CampaignOut, **WRITE_ERRORS},
             summary="Send a campaign now or at a time")  # fmt: skip
def send_campaign(
    request: HttpRequest,
    campaign_id: int,
    response: HttpResponse,
    payload: ScheduleIn | None = None,
) -> Status[Campaign]:
    """The worker sends it (now, or at `at`); follow its progress in `/results`.
    Refused (403) unless you may see every person in its audience."""
    user = current_user(request)
    campaign = campaign_get(user=user, pk=campaign_id)
    version = expected_version(request, campaign)
    campaign_schedule(
        actor=user, campaign=campaign, at=payload.at if payload else None, expected_version=version
    )
    return Status(202, _fresh(user, campaign_id, response))


@router.post("/campaigns/{campaign_id}/cancel", response={200: CampaignOut, **WRITE_ERRORS},
             summary="Cancel a scheduled or sending campaign")  # fmt: skip
def cancel_campaign(request: HttpRequest, campaign_id: int, response: HttpResponse) -> Campaign:
    user = current_user(request)
    campaign = campaign_get(user=user, pk=campaign_id)
    version = expected_version(request, campaign)
    campaign_cancel(actor=user, campaign=campaign, expected_version=version)
    return _fresh(user, campaign_id, response)


@router.get("/campaigns/{campaign_id}/results", response={200: ResultsOut, **ERRORS},
            summary="A campaign's results")  # fmt: skip
def campaign_results_view(request: HttpRequest, campaign_id: int) -> dict[str, object]:
    results = campaign_results(campaign_get(user=current_user(request), pk=campaign_id))
    return {"total": results.total, "handed_over": results.handed_over, "counts": results.counts,
            "rates": results.rates}  # fmt: skip
