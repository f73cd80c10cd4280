"""Rendering a template for one person and building the e-mail the SMTP server gets."""

from __future__ import annotations

import binascii
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate, parseaddr
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from rapport.campaigns import conf, merge
from rapport.campaigns.unsubscribe import unsubscribe_token
from rapport.people.models import Affiliation, Person

UNSUBSCRIBE_TEXT = "\n\n--\nTo stop receiving these e-mails, unsubscribe: {url}\n"
UNSUBSCRIBE_HTML = '\n<p style="font-size:12px;color:#666"><a href="{url}">Unsubscribe</a> from these e-mails.</p>\n'


@dataclass(frozen=True)
class Content:
    subject: str
    body_text: str
    body_html: str = ""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


def people_for_rendering(qs: QuerySet[Person]) -> QuerySet[Person]:
    """People with what the merge fields read (owner, primary organisation) preloaded."""
    return qs.select_related("owner").prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization"))
    )


def unsubscribe_url(*, person_id: int, campaign_id: int | None = None) -> str:
    token = unsubscribe_token(person_id=person_id, campaign_id=campaign_id)
    return _unsubscribe_prefix() + token + "/"


@lru_cache(maxsize=8)
def _unsubscribe_base(base_url: str) -> str:
    # reverse() costs most of a millisecond with every app's routes loaded: once, not per e-mail.
    return base_url + reverse("campaigns:unsubscribe", args=["TOKEN"]).removesuffix("TOKEN/")


def _unsubscribe_prefix() -> str:
    return _unsubscribe_base(conf.base_url())


def render_for(content: Content, person: Person, *, unsubscribe: str | None) -> Rendered:
    """Merge ``person``'s values into ``content``; marketing mail gets an unsubscribe footer."""
    names = {
        p.name
        for part in (content.subject, content.body_text, content.body_html)
        for p in merge.placeholders(part)
    }
    values = merge.person_values(person, names=names)
    if unsubscribe:
        values[merge.UNSUBSCRIBE_FIELD] = unsubscribe
    text = merge.render(content.body_text, values)
    html = merge.render(content.body_html, values, escape=True) if content.body_html else ""
    if unsubscribe:
        text += UNSUBSCRIBE_TEXT.format(url=unsubscribe)
        if html:
            html += UNSUBSCRIBE_HTML.format(url=unsubscribe)
    return Rendered(merge.single_line(merge.render(content.subject, values)), text, html)


def new_message_id() -> str:
    return f"<rapport.m{uuid.uuid4().hex}@{conf.message_id_domain()}>"


def campaign_message_id(*, campaign_id: int, person_id: int) -> str:
    """The same Message-ID every time for one person in one campaign (so a re-run or a
    bounce or a reply always points at the same recipient row)."""
    key = settings.SECRET_KEY.encode()
    tag = hmac.new(key, f"c{campaign_id}p{person_id}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"<rapport.c{campaign_id}.p{person_id}.{tag}@{conf.message_id_domain()}>"


def build_email(
    *,
    to: str,
    rendered: Rendered,
    message_id: str,
    unsubscribe: str | None,
    connection: BaseEmailBackend | None = None,
) -> EmailMultiAlternatives:
    headers: dict[str, Any] = {"Message-ID": message_id}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body_text,
        from_email=conf.from_address(),
        to=[to],
        headers=headers,
        connection=connection,
    )
    if rendered.body_html:
        email.attach_alternative(rendered.body_html, "text/html")
    return email


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode().replace("\n", "\r\n")


def _part(text: str, subtype: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    # SMTP lines end in CRLF: smtplib does not convert the line ends of bytes.
    body = binascii.b2a_qp(lines, istext=True).decode("ascii").replace("\n", "\r\n")
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: quoted-printable\r\n\r\n{body}"
    )


def campaign_mime(*, to: str, rendered: Rendered, message_id: str, unsubscribe: str) -> bytes:
    """The same message ``build_email`` makes, written directly: a campaign builds
    thousands per second, and the general-purpose MIME classes spend milliseconds
    folding headers that are short, ASCII lines here."""
    lines = [
        f"From: {_header(conf.from_address())}", f"To: {to}", f"Subject: {_header(rendered.subject)}",
        f"Date: {formatdate(localtime=False)}", f"Message-ID: {message_id}", "MIME-Version: 1.0",
        f"List-Unsubscribe: <{unsubscribe}>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    ]  # fmt: skip
    if rendered.body_html:
        boundary = f"=_rapport_{uuid.uuid4().hex}"
        lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        body = (
            f"--{boundary}\r\n{_part(rendered.body_text, 'plain')}\r\n"
            f"--{boundary}\r\n{_part(rendered.body_html, 'html')}\r\n--{boundary}--\r\n"
        )
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("ascii")
    return ("\r\n".join(lines) + "\r\n" + _part(rendered.body_text, "plain")).encode("ascii")


def envelope_sender() -> str:
    return parseaddr(conf.from_address())[1]
