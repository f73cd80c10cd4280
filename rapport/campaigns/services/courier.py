"""Handing campaign e-mails to the SMTP server from a thread of its own.

A hand-off is four round trips (MAIL, RCPT, DATA, the message), mostly spent waiting
for the server. The courier waits in its own thread (socket waits release the GIL)
while the runner renders the next message. Each courier carries one message at a time;
``handoff`` decides how many couriers work and when messages are claimed for them.
"""

from __future__ import annotations

import contextlib
import queue
import smtplib
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from django.core.mail import get_connection


@dataclass(frozen=True)
class Outcome:
    recipient_id: int
    error: Exception | None = None
    # The connection could not be opened: certainly not handed over.
    not_connected: bool = False
    seconds: float = 0.0  # how long the hand-off took


def _plain_address(address: str) -> bool:
    return address.isascii() and "@" in address and not any(c in address for c in "<>\r\n\t ")


def _reset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException):
        smtp.rset()


def hand_over(smtp: smtplib.SMTP, sender: str, to: str, data: bytes) -> None:
    """``smtp.sendmail(sender, [to], data)`` without its general-purpose address parsing
    and regular expressions (a third of its time with a local server): same commands,
    same errors. Unusual addresses go through ``sendmail`` itself."""
    if not (_plain_address(sender) and _plain_address(to)):
        smtp.sendmail(sender, [to], data)
        return
    smtp.ehlo_or_helo_if_needed()
    size = f" size={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    code, reply = smtp.docmd("MAIL", f"FROM:<{sender}>{size}")
    if code != 250:
        _reset(smtp)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.docmd("RCPT", f"TO:<{to}>")
    if code not in (250, 251):
        _reset(smtp)
        raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
    code, reply = smtp.docmd("DATA")
    if code != 354:
        _reset(smtp)
        raise smtplib.SMTPDataError(code, reply)
    # Dot-stuffing: a line starting with "." gets another one (RFC 5321 4.5.2).
    body = data.replace(b"\r\n.", b"\r\n..")
    if body.startswith(b"."):
        body = b"." + body
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body + b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        _reset(smtp)
        raise smtplib.SMTPDataError(code, reply)


class Courier:
    """One SMTP connection (opened on first use, reopened after an error), one message
    at a time. ``send`` hands a message over; the outcome arrives on ``Couriers.done``."""

    def __init__(self, sender: str, done: queue.SimpleQueue[tuple[Courier, Outcome]]) -> None:
        self.sender = sender
        self.busy = False
        self._backend: Any = get_connection(fail_silently=False)
        self._work: queue.SimpleQueue[tuple[int, str, bytes] | None] = queue.SimpleQueue()
        self._done = done
        self._thread = threading.Thread(target=self._run, name="campaign-courier", daemon=True)
        self._thread.start()

    def send(self, recipient_id: int, to: str, data: bytes) -> None:
        if self.busy:
            raise RuntimeError("the courier carries one message at a time")
        self.busy = True
        self._work.put((recipient_id, to, data))

    def close(self) -> None:
        self._work.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            while (item := self._work.get()) is not None:
                started = time.perf_counter()
                try:
                    outcome = self._carry(*item)
                except Exception as exc:  # never leave the runner waiting for an answer
                    outcome = Outcome(item[0], exc)
                self._done.put((self, replace(outcome, seconds=time.perf_counter() - started)))
        finally:
            self._disconnect()

    def _carry(self, recipient_id: int, to: str, data: bytes) -> Outcome:
        if self._backend.connection is None:
            try:
                self._backend.open()
            except Exception as exc:
                self._disconnect()
                return Outcome(recipient_id, exc, not_connected=True)
        try:
            hand_over(self._backend.connection, self.sender, to, data)
        except Exception as exc:  # refused, disconnected: not delivered
            self._disconnect()  # reopened for the next message
            return Outcome(recipient_id, exc)
        return Outcome(recipient_id)

    def _disconnect(self) -> None:
        try:
            self._backend.close()
        except Exception:  # a server that went away cannot be told QUIT
            self._backend.connection = None


class Couriers:
    """Up to ``limit`` couriers, each with its connection, answering on one queue. A
    local relay answers in a millisecond and can take messages on several connections
    while we wait on one; each extra courier is one more message in flight."""

    def __init__(self, sender: str, limit: int) -> None:
        self.sender = sender
        self.limit = limit
        self.done: queue.SimpleQueue[tuple[Courier, Outcome]] = queue.SimpleQueue()
        self.started: list[Courier] = []

    @property
    def busy(self) -> int:
        return sum(courier.busy for courier in self.started)

    def free(self, wanted: int) -> bool:
        """Whether one of the first ``wanted`` couriers could take a message now."""
        wanted = max(1, min(wanted, self.limit))
        return len(self.started) < wanted or any(not c.busy for c in self.started[:wanted])

    def take(self, wanted: int) -> Courier:
        """A free courier among the first ``wanted``, started when needed."""
        wanted = max(1, min(wanted, self.limit))
        for courier in self.started[:wanted]:
            if not courier.busy:
                return courier
        if len(self.started) >= wanted:
            raise RuntimeError("no free courier")
        self.started.append(Courier(self.sender, self.done))
        return self.started[-1]

    def result(self) -> tuple[Courier, Outcome]:
        """Waits for the next answer from any busy courier."""
        courier, outcome = self.done.get()
        courier.busy = False
        return courier, outcome

    def close(self) -> None:
        for courier in self.started:
            courier.close()
