"""Background jobs (huey autodiscovers ``tasks`` modules). Each takes ids and calls one
service that is safe to run twice."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import HUEY, db_task
from huey.exceptions import RetryTask

from rapport.campaigns.services import runner, single
from rapport.core.schedule import scheduled

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=5)
def deliver_email(message_id: int) -> str:
    """Hand one queued e-mail to the SMTP server. huey's own retries cover a row not
    visible yet; a temporary SMTP refusal is tried again after the service's backoff."""
    try:
        return single.email_deliver(message_id)
    except single.RetryLater as later:
        # RetryTask does not use up the retries above: the service counts attempts.
        raise RetryTask(str(later), delay=later.delay) from later


@db_task()
def run_campaign(campaign_id: int) -> str:
    return runner.campaign_run(campaign_id)


@scheduled
def campaigns_tick() -> int:
    """Every minute: start due campaigns, resume those whose worker is gone, and give
    up on single e-mails a stopped worker left half-sent, and queue again retries whose
    job was lost."""
    single.recover_interrupted_emails()
    for message_id in single.emails_with_lost_retries():
        deliver_email(message_id)
    due = runner.campaigns_due()
    for campaign_id in due:
        run_campaign(campaign_id)
    return len(due)


@scheduled
def poll_mailbox() -> int:
    """Every minute: fetch new messages from the IMAP mailbox (when one is configured)."""
    from rapport.campaigns.services.imap import poll_configured_mailbox

    return poll_configured_mailbox()


@HUEY.on_startup()
def _resume_after_restart() -> None:
    # A worker that starts again resumes interrupted campaigns at once instead of at
    # the next minute. Every worker thread runs this; the campaign lease lets one send.
    try:
        for campaign_id in runner.campaigns_due():
            run_campaign(campaign_id)
    except Exception:  # never keep the worker from starting
        log.exception("could not look for interrupted campaigns")
