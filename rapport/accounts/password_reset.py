"""Forgotten passwords: Django's reset views, with links to our own address and a cap.

The e-mailed link is built from ``RAPPORT_BASE_URL``, never from the request's Host
header, which a visitor controls. The page answers the same whether or not an account
has the address (nobody learns who has one), and one address gets at most
``RESETS_PER_HOUR`` messages, so the form cannot be used to flood someone's inbox.

The page does the same work for every address, too: it counts the request and hands
the address to the background worker, which looks the account up and sends the mail
(``password_reset_send``). Looking up and talking SMTP inside the request made a known
address answer ten times slower than an unknown one.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from rapport.core.ratelimit import rate_hit

logger = logging.getLogger(__name__)
RESETS_PER_HOUR = 3


def _allowed(email: str) -> bool:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    # Counted where every server process sees it, so the cap holds behind many workers.
    sent = rate_hit(f"password-reset:{digest}", window_seconds=3600)
    return sent <= RESETS_PER_HOUR


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if _allowed(email):
            from rapport.accounts.tasks import send_password_reset

            send_password_reset(email)
        else:
            logger.warning("password reset: hourly cap reached for an address; nothing sent")
        return HttpResponseRedirect(self.get_success_url())


def password_reset_send(*, email: str) -> None:
    """Mail a reset link to the active accounts with ``email`` (none: nothing happens)."""
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    base = urlsplit(str(settings.RAPPORT["BASE_URL"]))
    form.save(
        domain_override=base.netloc, use_https=base.scheme == "https",
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject_template_name=PasswordResetView.subject_template_name,
        email_template_name=PasswordResetView.email_template_name,
    )  # fmt: skip


def reset_views() -> dict[str, Any]:
    """The four views, as urls.py mounts them."""
    return {
        "request": PasswordResetView.as_view(),
        "done": auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        "confirm": auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        "complete": auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
    }
