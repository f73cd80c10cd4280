"""/notifications: your notifications; mark one or all read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from rapport.activities.api.schemas import (
    MarkedOut,
    NotificationListParams,
    NotificationOut,
    NotificationPage,
)
from rapport.activities.models import Notification
from rapport.activities.notify import notification_mark_read, notifications_mark_all_read
from rapport.activities.selectors import notification_detail, user_notifications
from rapport.api.auth import current_user
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS

router = Router(tags=["notifications"])


@router.get(
    "/notifications", response={200: NotificationPage, **ERRORS}, summary="List your notifications"
)
def list_notifications(
    request: HttpRequest, params: Query[NotificationListParams]
) -> dict[str, object]:
    qs = user_notifications(current_user(request))
    if params.unread:
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs, sort="notifications", limit=params.limit)
    return {"results": page.items, "next": page.next_url}


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut, **ERRORS},
    summary="Mark all notifications read",
)
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": notifications_mark_all_read(user=current_user(request))}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark a notification read",
)
def read_one(request: HttpRequest, notification_id: int) -> Notification:
    user = current_user(request)
    return notification_mark_read(
        user=user, notification=notification_detail(user=user, pk=notification_id)
    )
