"""Polling an IMAP mailbox: fetch messages with UIDs past the last one seen, log each.

The mailbox is only read (BODY.PEEK leaves messages unread for the people using it);
progress is the last UID per folder and UIDVALIDITY, and logging is idempotent by
Message-ID, so a poll cut short is simply done again.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re

from django.utils import timezone

from rapport.campaigns import conf
from rapport.campaigns.models import InboundSource, MailboxState
from rapport.campaigns.services.inbound import ingest

log = logging.getLogger(__name__)
FETCH_BATCH = 50
UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


def _connect(cfg: conf.ImapConfig) -> imaplib.IMAP4:
    client: imaplib.IMAP4
    if cfg.ssl:
        client = imaplib.IMAP4_SSL(cfg.host, cfg.port, timeout=30)
    else:
        client = imaplib.IMAP4(cfg.host, cfg.port, timeout=30)
    client.login(cfg.user, cfg.password)
    return client


def poll_mailbox(cfg: conf.ImapConfig) -> int:
    """Log the new messages of one folder; returns how many were new to Rapport."""
    state, _ = MailboxState.objects.get_or_create(mailbox=cfg.mailbox_key)
    client = _connect(cfg)
    new = 0
    try:
        status, data = client.select(f'"{cfg.folder}"', readonly=True)
        if status != "OK":
            raise RuntimeError(f"cannot open folder {cfg.folder!r}: {data!r}")
        _, status_data = client.status(f'"{cfg.folder}"', "(UIDVALIDITY)")
        match = UIDVALIDITY.search(status_data[0] or b"") if status_data else None
        validity = int(match.group(1)) if match else 0
        if validity != state.uidvalidity:  # the folder was rebuilt: UIDs start again
            state.uidvalidity, state.last_uid = validity, 0
        _, found = client.uid("SEARCH", "UID", f"{state.last_uid + 1}:*")
        uids = sorted(int(u) for u in (found[0] or b"").split() if int(u) > state.last_uid)
        for start in range(0, len(uids), FETCH_BATCH):
            chunk = uids[start : start + FETCH_BATCH]
            _, fetched = client.uid("fetch", ",".join(map(str, chunk)), "(UID BODY.PEEK[])")
            for item in fetched:
                if isinstance(item, tuple) and len(item) == 2:
                    _, created = ingest(item[1], source=InboundSource.IMAP)
                    new += int(created)
            state.last_uid = chunk[-1]
            state.polled_at = timezone.now()
            state.save()
        state.polled_at = timezone.now()
        state.save()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return new


def poll_configured_mailbox() -> int:
    cfg = conf.imap_config()
    if cfg is None:
        return 0
    return poll_mailbox(cfg)
