"""A forgotten password: the e-mailed link (to a real SMTP server on loopback), once only."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rapport.accounts.models import User
from tests.rapport.campaigns.conftest import smtp_sink  # noqa: F401 -- a fixture

pytestmark = pytest.mark.django_db
NEW = "a brand new passphrase of mine"


@pytest.fixture(autouse=True)
def _plain_static_files_and_an_empty_cache(settings: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()


def _mails(sink: Any, count: int) -> list[Any]:
    deadline = time.monotonic() + 10
    while len(sink.received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return list(sink.received)


def _link(mail: Any) -> str:
    body = mail.message.get_content()
    found = re.search(r"https://crm\.example\.com(/accounts/password/reset/\S+/)", body)
    assert found, body
    return found.group(1)


def test_a_user_resets_a_forgotten_password_with_the_emailed_link(
    client: Client,
    workspace: Any,
    smtp_sink: Any,  # noqa: F811
    settings: Any,
) -> None:
    settings.ALLOWED_HOSTS = ["*"]  # the worst case: a server that accepts any Host header
    settings.RAPPORT = {**settings.RAPPORT, "BASE_URL": "https://crm.example.com"}
    # Given Rick forgot his password: the sign-in page leads to the reset form
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).text
    # When he gives his address, spelled in another case, from a request naming another host
    sent = client.post(reverse("accounts:password_reset"), {"email": "RICK@example.com"},
                       headers={"host": "evil.example.net"})  # fmt: skip
    assert sent.status_code == 302 and sent["Location"] == reverse("accounts:password_reset_done")
    # Then one message reaches him, with a link to the workspace's own address
    (mail,) = _mails(smtp_sink, 1)
    assert mail.rcpt_tos == ["rick@example.com"]
    assert "evil" not in mail.message.get_content()
    link = _link(mail)
    # And the link lets him choose a new password, once
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text and 'name="new_password1"' in form.text
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert User.objects.get(username="rick").check_password(NEW)
    again = client.get(link, follow=True)
    assert "has been used already or has expired" in again.text


def test_the_answer_does_not_tell_who_has_an_account_and_mail_is_capped(
    client: Client,
    workspace: Any,
    smtp_sink: Any,  # noqa: F811
) -> None:
    # An unknown address gets the same answer, and no mail
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert unknown.status_code == 302
    assert unknown["Location"] == reverse("accounts:password_reset_done")
    # A known address asked for five times gets three messages, then no more this hour
    for _ in range(5):
        answer = client.post(reverse("accounts:password_reset"), {"email": "rita@example.com"})
        assert answer["Location"] == reverse("accounts:password_reset_done")
    mails = _mails(smtp_sink, 3)
    time.sleep(0.3)
    assert len(smtp_sink.received) == 3 and {m.rcpt_tos[0] for m in mails} == {"rita@example.com"}
    # A deactivated user gets nothing at all
    User.objects.filter(username="vic").update(is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": "vic@example.com"})
    time.sleep(0.3)
    assert len(smtp_sink.received) == 3


def test_a_malformed_address_is_refused_on_the_form(client: Client, workspace: Any) -> None:
    page = client.post(reverse("accounts:password_reset"), {"email": "not an address"})
    assert page.status_code == 200 and "Enter a valid email address" in page.text


@pytest.fixture
def queued() -> Any:
    """The real job queue (not run inline), empty at the start."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False
    HUEY.flush()
    yield HUEY
    if not HUEY.immediate:
        HUEY.flush()
    HUEY.immediate = True


def test_the_request_only_queues_the_mail_and_the_worker_sends_it(
    client: Client,
    workspace: Any,
    smtp_sink: Any,  # noqa: F811
    queued: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # When a known and an unknown address ask for a reset
    asked = {}
    for email in ("rita@example.com", "nobody@example.com"):
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(reverse("accounts:password_reset"), {"email": email})
        assert answer["Location"] == reverse("accounts:password_reset_done")
        # the statements, without the values in them (the address's digest, the time)
        asked[email] = [re.sub(r"'[^']*'|[\d.]+", "?", q["sql"]) for q in queries.captured_queries]
    # Then both did the same work: no account looked up, no mail sent during the request
    assert asked["rita@example.com"] == asked["nobody@example.com"]
    assert not any("accounts_user" in sql for sql in asked["rita@example.com"])
    time.sleep(0.2)
    assert smtp_sink.received == []
    # And each is a job for the worker, which sends the one mail there is to send
    assert queued.pending_count() == 2
    jobs = [queued.dequeue() for _ in range(2)]
    queued.immediate = True  # run them here, in the test's transaction (a worker would close it)
    for job in jobs:
        queued.execute(job)
    (mail,) = _mails(smtp_sink, 1)
    assert mail.rcpt_tos == ["rita@example.com"]
    assert "/accounts/password/reset/" in mail.message.get_content()
