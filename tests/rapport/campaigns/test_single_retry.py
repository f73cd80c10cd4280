"""A single e-mail the mail server refuses for now is tried again by the worker, later
and later; one it refuses for good fails at once; none is ever sent twice.

Real SMTP servers on loopback (aiosmtpd) answer as scripted; the retries are huey's
own scheduled jobs, run when they fall due as the worker's scheduler would run them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from rapport.accounts.services import token_create
from rapport.activities.models import ActivityLink
from rapport.campaigns.models import MessageStatus, OutboundEmail
from rapport.campaigns.services.single import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    email_queue,
    recover_interrupted_emails,
)
from rapport.campaigns.tasks import campaigns_tick, deliver_email
from tests.rapport.campaigns.conftest import free_port, use_smtp_server

TRY_LATER = "451 4.3.0 Mailbox busy, try again later"
NO_SUCH_USER = "550 5.1.1 No such user here"
NOTE = {"subject": "Your order", "body_text": "It ships tomorrow."}


@pytest.fixture
def ana(make_person: Any) -> Any:
    return make_person(first_name="Ana", emails=["ana@example.com"])


def _due_retry() -> Any:
    """The one retry huey has scheduled."""
    (task,) = HUEY.scheduled()
    return task


def _run_when_due(task: Any) -> None:
    """Run the scheduled jobs due at ``task``'s time, as the consumer's scheduler does."""
    for due in HUEY.read_schedule(task.eta):
        HUEY.execute(due, timestamp=task.eta)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _panel(client: Client, user: Any, person: Any) -> str:
    client.force_login(user)
    return client.get(f"/campaigns/people/{person.pk}/emails/").content.decode()


def test_a_temporary_refusal_is_retried_later_and_later_then_sent_once(
    smtp_scripted: Any, workspace: Any, ana: Any, client: Client
) -> None:
    # Given a mail server that answers "451 try again later" twice, then accepts
    server = smtp_scripted([TRY_LATER, TRY_LATER])
    # When rick sends Ana an e-mail (the worker runs the job at once)
    message = email_queue(actor=workspace.rep, person=ana, data=NOTE)
    # Then it is queued again with the reason, and huey holds a retry a minute later
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    assert "451" in message.error and "try again later" in message.error
    first = _due_retry()
    assert message.next_attempt_at is not None
    assert abs(first.eta - _utc(message.next_attempt_at)) < dt.timedelta(seconds=1)
    wait = message.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=RETRY_DELAYS[0] - 5) < wait <= dt.timedelta(seconds=RETRY_DELAYS[0])
    assert server.received == [] and server.offered == 1
    # And Ana's page says it is being retried, when, and why
    panel = _panel(client, workspace.rep, ana)
    assert "Retrying" in panel and "attempt 1 failed; next try" in panel and "451" in panel
    # When the retry falls due and is refused again, the next wait is longer
    _run_when_due(first)
    message.refresh_from_db()
    second = _due_retry()
    assert message.status == MessageStatus.QUEUED and message.attempts == 2
    second_wait = second.eta - _utc(timezone.now())
    assert dt.timedelta(seconds=RETRY_DELAYS[1] - 5) < second_wait
    assert second_wait > wait + dt.timedelta(seconds=60)
    # When the third attempt is accepted
    _run_when_due(second)
    # Then the e-mail arrived once, is sent after three attempts, and is on the timeline once
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 3
    assert message.next_attempt_at is None and message.error == ""
    (received,) = server.received
    assert received.message["Message-ID"] == message.message_id
    assert received.text().startswith("It ships tomorrow.")
    assert ActivityLink.objects.filter(person=ana, kind="email_out").count() == 1
    assert HUEY.scheduled() == []
    assert "after 3 attempts" in _panel(client, workspace.rep, ana)
    # And running the job again (a duplicate, a late retry) sends nothing more
    deliver_email(message.pk)
    assert len(server.received) == 1 and server.offered == 3


def test_a_permanent_refusal_fails_at_once_with_the_reason(
    smtp_scripted: Any, workspace: Any, ana: Any
) -> None:
    server = smtp_scripted([NO_SUCH_USER])
    message = email_queue(actor=workspace.rep, person=ana, data=NOTE)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    assert "550" in message.error and "No such user" in message.error
    assert message.next_attempt_at is None
    assert HUEY.scheduled() == [] and server.received == [] and server.offered == 1


def test_an_unreachable_server_is_retried_until_it_answers(
    settings: Any, smtp_scripted: Any, workspace: Any, ana: Any
) -> None:
    # Given nothing listens on the mail server's port
    port = free_port()
    use_smtp_server(settings, port)
    message = email_queue(actor=workspace.rep, person=ana, data=NOTE)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and "Could not reach" in message.error
    # When the server is up by the time the retry is due
    server = smtp_scripted([], port=port)
    _run_when_due(_due_retry())
    # Then the e-mail went out once
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert len(server.received) == 1


def test_the_worker_gives_up_after_the_last_attempt(
    settings: Any, workspace: Any, ana: Any
) -> None:
    use_smtp_server(settings, free_port())  # nobody ever answers
    message = email_queue(actor=workspace.rep, person=ana, data=NOTE)
    for _ in range(MAX_ATTEMPTS - 1):
        _run_when_due(_due_retry())
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == MAX_ATTEMPTS
    assert f"gave up after {MAX_ATTEMPTS} attempts" in message.error
    assert "Connection" in message.error and HUEY.scheduled() == []


def test_a_connection_cut_after_the_message_is_never_sent_again(
    smtp_scripted: Any, workspace: Any, ana: Any
) -> None:
    # Given a server that keeps the message but drops the connection before answering
    server = smtp_scripted(["drop"])
    message = email_queue(actor=workspace.rep, person=ana, data=NOTE)
    # Then Rapport cannot know whether it was delivered: it fails, and is not retried
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "may have been delivered" in message.error and HUEY.scheduled() == []
    deliver_email(message.pk)
    assert len(server.received) == 1 and server.offered == 1


def test_an_email_left_sending_by_a_stopped_worker_is_never_sent_again(
    smtp_scripted: Any, workspace: Any, ana: Any
) -> None:
    server = smtp_scripted([])
    # Given an e-mail a worker claimed and then stopped (killed mid-hand-off)
    message = OutboundEmail.objects.create(
        person=ana, sender=workspace.rep, kind="transactional", to_address=ana.email,
        subject="S", body_text="B", message_id="<stopped.1@example.com>", status=MessageStatus.SENDING,
        claimed_at=timezone.now() - dt.timedelta(hours=1), attempts=1,
    )  # fmt: skip
    # When the job runs again, and the minute tick looks at it
    deliver_email(message.pk)
    assert recover_interrupted_emails() == 1
    deliver_email(message.pk)
    # Then it failed with the reason, and nothing was sent
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "not sent again" in message.error
    assert server.offered == 0


def test_a_retry_whose_job_was_lost_is_queued_again_by_the_tick(
    smtp_scripted: Any, workspace: Any, ana: Any
) -> None:
    server = smtp_scripted([])
    # Given a queued retry long overdue (its job lost when a worker stopped)
    message = OutboundEmail.objects.create(
        person=ana, sender=workspace.rep, kind="transactional", to_address=ana.email,
        subject="S", body_text="B", message_id="<lost.1@example.com>", attempts=1, error=TRY_LATER,
        next_attempt_at=timezone.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    # When the minute tick runs
    campaigns_tick.call_local()
    # Then it went out once
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert len(server.received) == 1


def test_the_api_shows_attempts_and_the_next_try(
    smtp_scripted: Any, workspace: Any, ana: Any
) -> None:
    smtp_scripted([TRY_LATER])
    _, secret = token_create(user=workspace.rep, name="tests")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    created = api.post(f"/api/v1/people/{ana.pk}/emails", NOTE, content_type="application/json")
    assert created.status_code == 202
    body = api.get(created["Location"]).json()
    assert body["status"] == "queued" and body["attempts"] == 1
    assert body["next_attempt_at"] and "451" in body["error"]
