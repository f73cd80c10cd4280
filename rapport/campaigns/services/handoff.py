"""One batch of a campaign: claimed, rendered, handed to the courier, written back.

Per message the runner renders the e-mail (while the courier still carries the
previous one), claims it ``claimed → sending`` in a committed UPDATE, and only then
gives it to the courier. A claim covers a small group: as many messages as the courier
hands over in about ``CLAIM_WINDOW`` (at most ``MAX_CLAIM_GROUP``), so a fast campaign
shares one commit among a few messages. With a slow server or a rate limit a claim
covers one message and is made only when the courier is free, exactly as a plain loop
would; with a fast one the next group is claimed while the last message of the current
one is on the wire. A worker killed in between leaves the claimed messages in
``sending``: never sent again (``unconfirmed``), so a crash costs at most the messages
in flight (one per connection: ``CONNECTIONS`` when the server is fast, else one) and
one group behind them, the last few milliseconds of sending.
"""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError
from django.db import connection as db_connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from rapport.campaigns.mailer import campaign_message_id
from rapport.campaigns.merge_scores import with_scores
from rapport.campaigns.models import Campaign, CampaignRecipient, RecipientStatus
from rapport.campaigns.prepared import PreparedCampaign, UnsubscribeLinks
from rapport.campaigns.services import durability
from rapport.campaigns.services.courier import Courier, Couriers
from rapport.campaigns.services.single import consent_problem
from rapport.people.models import Affiliation, Person

CLAIM_WINDOW = 0.005  # seconds of hand-offs claimed in one commit
MAX_CLAIM_GROUP = 8
CONNECTIONS = 2  # SMTP connections when hand-offs are fast (one message in flight each)


class Pacer:
    """Spaces hand-offs to the configured messages per minute (0: no spacing)."""

    def __init__(self, per_minute: int) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


class ClaimSizer:
    """How many messages one claim covers, from how long recent hand-offs took."""

    def __init__(self, paced: bool) -> None:
        self.paced = paced
        self.seconds: float | None = None

    def observe(self, seconds: float) -> None:
        self.seconds = seconds if self.seconds is None else 0.8 * self.seconds + 0.2 * seconds

    def size(self) -> int:
        if self.paced or not self.seconds:
            return 1
        return max(1, min(MAX_CLAIM_GROUP, int(CLAIM_WINDOW / self.seconds)))


@dataclass
class Sending:
    """What a run keeps from batch to batch."""

    campaign: Campaign
    prepared: PreparedCampaign
    links: UnsubscribeLinks
    pacer: Pacer
    sizer: ClaimSizer
    couriers: Couriers


@dataclass
class _Message:
    recipient_id: int
    to: str
    data: bytes = b""
    problem: str = ""  # could not be built: fails once claimed


def update_many(ids: Sequence[int], expected: str, **values: object) -> None:
    for start in range(0, len(ids), 500):
        CampaignRecipient.objects.filter(pk__in=ids[start : start + 500], status=expected).update(
            updated_at=timezone.now(), **values
        )


class _SentMarks:
    """Records hand-offs as sent in bulk: every FLUSH_EVERY messages or FLUSH_SECONDS, so a
    killed worker leaves few rows "unconfirmed" that actually went out, while a fast send
    still costs one UPDATE per hundred messages rather than one per message."""

    FLUSH_EVERY = 100
    FLUSH_SECONDS = 0.5

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.all: list[int] = []
        self.flushed_at = time.monotonic()

    def add(self, recipient_id: int) -> None:
        self.pending.append(recipient_id)
        if (
            len(self.pending) >= self.FLUSH_EVERY
            or time.monotonic() - self.flushed_at >= self.FLUSH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        if self.pending:
            update_many(self.pending, RecipientStatus.SENDING, status=RecipientStatus.SENT,
                        sent_at=timezone.now())  # fmt: skip
            self.all += self.pending
            self.pending = []
        self.flushed_at = time.monotonic()


_TABLE = CampaignRecipient._meta.db_table


def _claim(messages: list[_Message]) -> set[int]:
    """``claimed → sending`` for a group of rows in one UPDATE; returns the ids this run
    won (a row another run already moved on is left alone). Plain SQL: the ORM cannot
    say RETURNING for an UPDATE, and its query building cost as much as the commit."""
    whens = " ".join("WHEN %s THEN %s" for _ in messages)
    marks = ", ".join("%s" for _ in messages)
    # The table name is the model's own; every value is a bound parameter.
    sql = (
        f"UPDATE {_TABLE} SET status = %s, updated_at = %s, email = CASE id {whens} END "  # noqa: S608
        f"WHERE id IN ({marks}) AND status = %s RETURNING id"
    )
    params: list[Any] = [RecipientStatus.SENDING, timezone.now()]
    for message in messages:
        params += [message.recipient_id, message.to]
    params += [m.recipient_id for m in messages]
    params.append(RecipientStatus.CLAIMED)
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _people(prepared: PreparedCampaign, person_ids: list[int]) -> dict[int, Person]:
    """The batch's people with only what the template's merge fields read preloaded
    (owners are few: fetched once each rather than joined to every row; scores in two
    queries per batch rather than one per person)."""
    people: QuerySet[Person] = Person.objects.filter(pk__in=person_ids).defer("search_text")
    if prepared.wants("owner"):
        people = people.prefetch_related("owner")
    if prepared.wants("organization"):
        people = people.prefetch_related(
            Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization"))
        )
    if prepared.wants("scores"):
        people = with_scores(people)
    return {person.pk: person for person in people}


def _render(run: Sending, recipient_id: int, person: Person, message_id: str) -> _Message:
    campaign_id = run.campaign.pk
    message = _Message(recipient_id, person.email)
    try:
        message.data = run.prepared.message(
            to=person.email, person=person, unsubscribe=run.links(person.pk),
            message_id=message_id or campaign_message_id(campaign_id=campaign_id, person_id=person.pk),
        )  # fmt: skip
    except (ValueError, UnicodeError) as exc:  # e.g. an address with a line break in it
        message.problem = f"{type(exc).__name__}: {exc}"[:500]
    return message


class _Batch:
    """One batch's messages on their way: rendered ahead, claimed, with the couriers."""

    def __init__(self, run: Sending) -> None:
        self.run = run
        self.todo: deque[tuple[int, Person, str]] = deque()  # (recipient id, person, Message-ID)
        self.rendered: deque[_Message] = deque()  # not claimed yet
        self.claimed: deque[_Message] = deque()  # ours, "sending", not handed over yet
        self.sent = _SentMarks()
        self.failed: dict[str, list[int]] = defaultdict(list)
        self.skipped: dict[str, list[int]] = defaultdict(list)

    def render_next(self) -> None:
        self.rendered.append(_render(self.run, *self.todo.popleft()))

    def claim_group(self) -> None:
        size = self.run.sizer.size()
        group = [self.rendered.popleft() for _ in range(min(size, len(self.rendered)))]
        self.run.pacer.wait()
        won = _claim(group)
        for message in group:
            if message.recipient_id not in won:  # another run has it
                continue
            if message.problem:
                self.failed[message.problem].append(message.recipient_id)
            else:
                self.claimed.append(message)

    def hand_next(self, courier: Courier) -> None:
        message = self.claimed.popleft()
        courier.send(message.recipient_id, message.to, message.data)

    def take_result(self, *, hand_on: bool = True) -> None:
        courier, outcome = self.run.couriers.result()
        if hand_on and self.claimed and not outcome.not_connected:
            self.hand_next(courier)  # first: the bookkeeping below can wait, the server not
        self.run.sizer.observe(outcome.seconds)
        if outcome.error is None:
            self.sent.add(outcome.recipient_id)
        elif outcome.not_connected:  # certainly not handed over: back to the queue
            self.claimed.appendleft(_Message(outcome.recipient_id, ""))
            raise outcome.error
        else:
            self.failed[f"{type(outcome.error).__name__}: {outcome.error}"[:500]].append(
                outcome.recipient_id
            )

    def write(self) -> None:
        failure: Exception | None = None
        while self.run.couriers.busy:  # on the wire: wait for every answer, whatever happened
            try:
                self.take_result(hand_on=False)
            except Exception as exc:  # e.g. a connection that could not be opened
                failure = failure or exc
        self._write()
        if failure:
            raise failure

    def _write(self) -> None:
        # Left over when something went wrong: ours, never handed over, so safe to queue
        # again (if the database is what went wrong, the next run sorts them out).
        with contextlib.suppress(DatabaseError):
            if self.claimed:
                update_many([m.recipient_id for m in self.claimed], RecipientStatus.SENDING,
                            status=RecipientStatus.QUEUED)  # fmt: skip
            if self.todo or self.rendered:
                update_many([m.recipient_id for m in self.rendered] + [t[0] for t in self.todo],
                            RecipientStatus.CLAIMED, status=RecipientStatus.QUEUED)  # fmt: skip
        self.sent.flush()
        for error, ids in self.failed.items():
            update_many(ids, RecipientStatus.SENDING, status=RecipientStatus.FAILED, error=error)
        for reason, ids in self.skipped.items():
            update_many(ids, RecipientStatus.QUEUED, status=RecipientStatus.SKIPPED, error=reason)


def send_batch(run: Sending, rows: list[tuple[int, int, str]]) -> list[int]:
    """Claim and hand over one batch of (recipient id, person id, Message-ID) rows.
    Returns the recipient ids sent."""
    people = _people(run.prepared, [person_id for _, person_id, _ in rows])
    batch = _Batch(run)
    kind = run.campaign.template.kind
    for recipient_id, person_id, message_id in rows:
        person = people.get(person_id)
        problem = consent_problem(person, kind) if person else "Person deleted."
        if problem or person is None:
            batch.skipped[problem or "Person deleted."].append(recipient_id)
        else:
            batch.todo.append((recipient_id, person, message_id))
    # One durable commit claims the batch; the per-message claims below are relaxed.
    update_many([t[0] for t in batch.todo], RecipientStatus.QUEUED, status=RecipientStatus.CLAIMED)
    couriers = run.couriers
    try:
        with durability.relaxed_commits():
            while True:
                size = run.sizer.size()
                # One connection for slow or paced sends; several when the server is fast.
                connections = 1 if size == 1 else CONNECTIONS
                if batch.claimed and couriers.free(connections):
                    batch.hand_next(couriers.take(connections))
                elif couriers.busy:  # while they carry: render ahead, claim ahead, else wait
                    if batch.todo and len(batch.rendered) < size:
                        batch.render_next()
                    elif (
                        not batch.claimed
                        and batch.rendered
                        and (len(batch.rendered) >= size > 1 or couriers.free(connections))
                    ):
                        batch.claim_group()  # the next group, behind the messages in flight
                    else:
                        batch.take_result()
                elif batch.rendered:
                    batch.claim_group()
                elif batch.todo:
                    batch.render_next()
                else:
                    break
            batch.sent.flush()
    finally:
        batch.write()
    return batch.sent.all
