"""Rendering a template for one person and building the e-mail the SMTP server gets."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from rapport.campaigns import conf, merge_fields
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
    return unsubscribe_prefix() + token + "/"


@lru_cache(maxsize=8)
def _unsubscribe_base(base_url: str) -> str:
    # reverse() costs most of a millisecond with every app's routes loaded: once, not per e-mail.
    return base_url + reverse("campaigns:unsubscribe", args=["TOKEN"]).removesuffix("TOKEN/")


def unsubscribe_prefix() -> str:
    """Every unsubscribe link is this followed by its token and "/"."""
    return _unsubscribe_base(conf.base_url())


def render_for(content: Content, person: Person, *, unsubscribe: str | None) -> Rendered:
    """Merge ``person``'s values into ``content``; marketing mail gets an unsubscribe footer."""
    names = {
        p.name
        for part in (content.subject, content.body_text, content.body_html)
        for p in merge_fields.placeholders(part)
    }
    values = merge_fields.person_values(person, names=names)
    if unsubscribe:
        values[merge_fields.UNSUBSCRIBE_FIELD] = unsubscribe
    text = merge_fields.render(content.body_text, values)
    html = merge_fields.render(content.body_html, values, escape=True) if content.body_html else ""
    if unsubscribe:
        text += UNSUBSCRIBE_TEXT.format(url=unsubscribe)
        if html:
            html += UNSUBSCRIBE_HTML.format(url=unsubscribe)
    return Rendered(
        merge_fields.single_line(merge_fields.render(content.subject, values)), text, html
    )


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


def envelope_sender() -> str:
    return parseaddr(conf.from_address())[1]
