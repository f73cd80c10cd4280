"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and the
settings that point Rapport at it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content())


@dataclass
class Sink:
    """What the SMTP server received, in order."""

    port: int
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        if self.delay:
            time.sleep(self.delay)  # a slow server: the client waits for this answer
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def start_sink(delay: float = 0.0) -> tuple[Sink, Controller]:
    sink = Sink(port=free_port(), delay=delay)
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    return sink, controller


def use_smtp_server(settings: Any, port: int, base_url: str = "http://testserver") -> None:
    """Point Rapport's outgoing mail at the SMTP server on loopback ``port``."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Rapport <crm@example.com>"
    settings.RAPPORT = {**settings.RAPPORT, "BASE_URL": base_url}


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[Sink]:
    sink, controller = start_sink()
    use_smtp_server(settings, sink.port)
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class ScriptedSink(Sink):
    """An SMTP server that answers the end of each message with the next scripted reply
    (e.g. "451 4.3.0 Try again later") and with 250 once the script runs out; "drop"
    closes the connection instead of answering. ``received`` keeps only what it accepted."""

    script: list[str] = field(default_factory=list)
    offered: int = 0  # messages whose content reached the server, accepted or not

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.offered += 1
            reply = self.script.pop(0) if self.script else ""
        if reply == "drop":  # the server keeps the message but never says so
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
            server.transport.abort()
            return "250 OK"
        if reply:
            return reply
        return await super().handle_DATA(server, session, envelope)


def start_scripted(script: list[str], port: int | None = None) -> tuple[ScriptedSink, Controller]:
    sink = ScriptedSink(port=port or free_port(), script=list(script))
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    return sink, controller


@pytest.fixture
def smtp_scripted(settings: Any) -> Iterator[Any]:
    """Start a scripted SMTP server on loopback and send Rapport's mail to it:
    ``server = smtp_scripted(["451 4.3.0 Try again later"])``."""
    controllers: list[Controller] = []

    def start(script: list[str], port: int | None = None) -> ScriptedSink:
        sink, controller = start_scripted(script, port)
        controllers.append(controller)
        use_smtp_server(settings, sink.port)
        return sink

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()


@pytest.fixture
def scored_customers(workspace: Any, make_person: Any) -> dict[str, Any]:
    """Opted-in customers of rick's with real value scores from one model run (Ana buys
    every month, Bob stopped a year ago, Cleo bought once), among 60 others with
    seeded orders so the models have something to fit; Dora has never bought."""
    import datetime as dt
    import random
    from decimal import Decimal

    from rapport.insights.recompute import insights_recompute
    from rapport.people.models import Person
    from rapport.sales.models import Order

    rng = random.Random(11)
    today = dt.date.today()
    others = Person.objects.bulk_create(
        Person(first_name=f"C{i}", last_name="Buyer", owner=workspace.rep, team=workspace.north)
        for i in range(60)
    )  # fmt: skip
    named = {
        name: make_person(first_name=name, last_name="Customer", emails=[f"{name.lower()}@example.com"],
                          email_consent="granted")
        for name in ("Ana", "Bob", "Cleo", "Dora")
    }  # fmt: skip
    orders = []
    for person in others:
        day = rng.randrange(0, 600)
        while day < 720:
            orders.append(Order(person=person, ordered_at=today - dt.timedelta(days=720 - day),
                                amount=rng.randrange(10, 200), currency="EUR"))  # fmt: skip
            day += max(1, int(rng.expovariate(1 / rng.choice([15, 45, 120]))))
    for k in range(24):
        orders.append(Order(person=named["Ana"], ordered_at=today - dt.timedelta(days=700 - k * 30),
                            amount=250, currency="EUR"))  # fmt: skip
    for k in range(8):
        orders.append(Order(person=named["Bob"], ordered_at=today - dt.timedelta(days=640 - k * 35),
                            amount=90, currency="EUR"))  # fmt: skip
    orders.append(Order(person=named["Cleo"], ordered_at=today - dt.timedelta(days=40),
                        amount=Decimal("1234.50"), currency="EUR"))  # fmt: skip
    Order.objects.bulk_create(orders)
    run = insights_recompute(triggered_by=None)
    assert run.status == "done", run.message
    return named
