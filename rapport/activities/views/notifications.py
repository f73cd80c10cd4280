"""Notifications (page and bell), preferences, and the private calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.activities import notify
from rapport.activities.forms import PreferenceForm
from rapport.activities.ical import calendar_text, feed_token, user_for_token
from rapport.activities.selectors import notification_detail, unread_count, user_notifications
from rapport.core.web import current_user, safe_next, translate_errors

PAGE_LIMIT = 100


@translate_errors
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    items = list(user_notifications(user)[:PAGE_LIMIT])
    context = {"notifications": items, "unread": unread_count(user)}
    return render(request, "activities/notifications.html", context)


@translate_errors
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The top bar's unread count, polled by HTMX."""
    response = render(
        request, "activities/_bell_count.html", {"unread": unread_count(current_user(request))}
    )
    response["Cache-Control"] = "no-store"
    return response


@translate_errors
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with ``open`` set, continue to what it is about."""
    user = current_user(request)
    notification = notify.notification_mark_read(
        user=user, notification=notification_detail(user=user, pk=pk)
    )
    if request.POST.get("open") and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect(safe_next(request, reverse("activities:notification_list")))


@translate_errors
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notify.notifications_mark_all_read(user=current_user(request))
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect(safe_next(request, reverse("activities:notification_list")))


@translate_errors
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    preference = notify.preference_for(user)
    form = PreferenceForm(
        request.POST or None,
        initial={
            "email_reminders": preference.email_reminders,
            "email_mentions": preference.email_mentions,
        },
    )
    if request.method == "POST":
        action = request.POST.get("calendar")
        if action == "rotate":
            notify.calendar_feed_rotate(user=user)
            messages.success(
                request, "Your calendar feed has a new address; the old one no longer works."
            )
            return redirect("activities:preferences")
        if action == "disable":
            notify.calendar_feed_disable(user=user)
            messages.success(request, "Your calendar feed is off.")
            return redirect("activities:preferences")
        if form.is_valid():
            notify.preference_update(user=user, **form.cleaned_data)
            messages.success(request, "Saved your notification settings.")
            return redirect("activities:preferences")
    feed_url = ""
    if preference.calendar_salt:
        path = reverse("activities:calendar_feed", args=[feed_token(preference)])
        feed_url = request.build_absolute_uri(path)
    return render(
        request,
        "activities/preferences.html",
        {"form": form, "feed_url": feed_url, "has_email": bool(user.email)},
    )


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar app subscribes to: the secret token in the URL is the login."""
    user = user_for_token(token)
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(calendar_text(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rapport.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
