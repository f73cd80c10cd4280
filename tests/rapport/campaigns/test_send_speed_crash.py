"""A worker killed while a campaign goes out *fast* (two connections, grouped claims):
nobody gets the e-mail twice, and at most a handful are left out.

The slow-server crash test (``test_worker_crash.py``) covers single claims on one
connection. Here the sink answers at once, so the runner claims several messages per
commit and keeps two connections busy: ADR 0012 says a crash then costs at most the
messages in flight and one claim group (ten people), marked ``unconfirmed``.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from rapport.campaigns.services.handoff import CONNECTIONS, MAX_CLAIM_GROUP
from tests.rapport.campaigns.test_worker_crash import (
    _kill_worker_after,
    _restart_until_sent,
    _status,
    crash_run,
)

RECIPIENTS = 3000
KILL_AFTER = 600

SETUP = f"""
from rapport.accounts.services import user_create
from rapport.campaigns.services.campaigns import campaign_create, campaign_schedule
from rapport.campaigns.services.templates import template_create
from rapport.people.models import Person
boss, _ = user_create(username="boss", role="admin", password="correct horse battery staple")
Person.objects.bulk_create([Person(first_name=f"P{{i}}", email=f"p{{i}}@example.com",
    email_consent="granted", owner=boss) for i in range({RECIPIENTS})])
t = template_create(actor=boss, data={{"name": "N", "kind": "marketing",
    "subject": "Hi {{{{ person.first_name }}}}", "body_text": "Hello"}})
c = campaign_create(actor=boss, data={{"name": "Fast", "template_id": t.pk, "audience_kind": "static",
    "person_ids": list(Person.objects.values_list("pk", flat=True))}})
campaign_schedule(actor=boss, campaign=c)
print("campaign", c.pk)
"""


def _unconfirmed_addresses(db: Path) -> set[str]:
    with sqlite3.connect(db, timeout=20) as conn:
        rows = conn.execute(
            "select p.email from campaigns_campaignrecipient r join people_person p"
            " on p.id = r.person_id where r.status = 'unconfirmed'"
        )
        return {email for (email,) in rows.fetchall()}


@pytest.mark.real_worker
@pytest.mark.slow
def test_a_worker_killed_mid_fast_campaign_sends_nobody_twice(tmp_path: Path) -> None:
    # Given a campaign to 3,000 people and a mail server that answers at once
    with crash_run(tmp_path, SETUP) as run:
        # When the worker is killed outright in the middle of sending
        before = _kill_worker_after(KILL_AFTER, sink=run.sink, env=run.env, log=run.log,
                                    workers=run.workers, poll=0.002)  # fmt: skip
        assert before < RECIPIENTS, "the campaign finished before the kill"
        # And a worker is started again
        _restart_until_sent(env=run.env, log=run.log, db=run.db, workers=run.workers, timeout=180)
        # Then nobody received it twice
        counts = Counter(r.rcpt_tos[0] for r in run.sink.received)
        assert max(counts.values()) == 1
        everyone = {f"p{i}@example.com" for i in range(RECIPIENTS)}
        assert set(counts) <= everyone
        # And everyone is sent or unconfirmed; those left out are few and all unconfirmed
        _, statuses = _status(run.db)
        assert set(statuses) <= {"sent", "unconfirmed"}, statuses
        assert sum(statuses.values()) == RECIPIENTS
        missed = everyone - set(counts)
        assert missed <= _unconfirmed_addresses(run.db)
        assert len(missed) <= CONNECTIONS + MAX_CLAIM_GROUP
