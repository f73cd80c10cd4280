"""A campaign's e-mail prepared once, so that each recipient costs string joins.

``mailer.render_for`` and ``mailer.campaign_mime`` parse the template and assemble the
message from scratch for every person: right for one e-mail, wasteful for 100,000 of
the same campaign. Here the template is split once into literal text and merge fields,
and everything in the message that is the same for every recipient (From, the MIME
structure, the encoding decisions) is written once. Per recipient only the merged
values, To, Subject, Date, Message-ID and the unsubscribe link change.

The result is the same message ``campaign_mime`` builds (``tests/rapport/campaigns/
test_send_speed_prepared.py`` parses both). If the split template ever renders
differently from ``merge_fields.render`` (say the merge syntax grows), ``PreparedText``
notices on a sample when the campaign is prepared and falls back to
``merge_fields.render``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import time
import uuid
from collections.abc import Mapping
from email.utils import formataddr, formatdate, parseaddr
from typing import Any

from django.core import signing
from django.utils.encoding import force_bytes

from rapport.campaigns import conf, merge_fields
from rapport.campaigns.mailer import (
    UNSUBSCRIBE_HTML,
    UNSUBSCRIBE_TEXT,
    Content,
    unsubscribe_prefix,
    unsubscribe_url,
)
from rapport.campaigns.unsubscribe import _SALT as UNSUBSCRIBE_SALT

# 39 bytes are 52 base64 characters: an encoded word of 64, a line of at most 78 even
# after "Subject: " (RFC 2047 allows words of 75, RFC 5322 asks for lines of 78).
_WORD_BYTES = 39


class PreparedText:
    """One template text split into literal parts and (name, default) merge fields."""

    def __init__(self, text: str, *, escape: bool = False) -> None:
        self.text = text
        self.escape = escape
        self.literals: list[str] = []
        self.fields: list[tuple[str, str]] = []
        position = 0
        for match in merge_fields.PLACEHOLDER.finditer(text):
            self.literals.append(text[position : match.start()])
            self.fields.append((match.group("name").strip(), match.group("default") or ""))
            position = match.end()
        self.literals.append(text[position:])
        self.exact = all(self._split(v) == self._merge(v) for v in self._samples())

    def names(self) -> set[str]:
        return {name for name, _ in self.fields}

    def render(self, values: Mapping[str, str]) -> str:
        return self._split(values) if self.exact else self._merge(values)

    def _split(self, values: Mapping[str, str]) -> str:
        if not self.fields:
            return self.literals[0]
        out = [self.literals[0]]
        for (name, default), literal in zip(self.fields, self.literals[1:], strict=True):
            value = values.get(name, "") or default
            out.append(html.escape(value) if self.escape else value)
            out.append(literal)
        return "".join(out)

    def _merge(self, values: Mapping[str, str]) -> str:
        return merge_fields.render(self.text, values, escape=self.escape)

    def _samples(self) -> list[dict[str, str]]:
        names = sorted(self.names())
        return [
            {name: f'<v{i}> & "{name}"' for i, name in enumerate(names)},
            {name: "" for name in names},  # every default
        ]


def encode_header(value: str) -> str:
    """An unstructured header value: ASCII as it is, anything else as RFC 2047 words
    (base64, folded so no line passes 78 characters). Callers pass single-line values."""
    if value.isascii():
        return value
    words: list[str] = []
    chunk = ""
    for char in value:
        if len((chunk + char).encode()) > _WORD_BYTES:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    return "\r\n ".join(
        f"=?utf-8?b?{base64.b64encode(word.encode()).decode('ascii')}?=" for word in words
    )


def address_header(address: str) -> str:
    """``Name <box@domain>`` with only the display name encoded when it is not ASCII."""
    name, box = parseaddr(address)
    return formataddr((name, box), charset="utf-8") if name else box


def quoted_printable(text: str) -> str:
    """A text part's body: UTF-8, quoted-printable, CRLF line ends (smtplib sends bytes as
    they are, and SMTP lines end in CRLF)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return binascii.b2a_qp(lines, istext=True).decode("ascii").replace("\n", "\r\n")


def _part_head(subtype: str) -> str:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )


class _Clock:
    """The Date header, formatted once a second rather than once a message."""

    def __init__(self) -> None:
        self.second = -1
        self.text = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self.second:
            self.second, self.text = second, formatdate(second, localtime=False)
        return self.text


class UnsubscribeLinks:
    """``mailer.unsubscribe_url`` for one campaign, with the signing key derived once:
    the same token ``django.core.signing.Signer.sign_object`` makes (checked when
    prepared; if Django ever signs differently, the links come from ``unsubscribe_url``)."""

    def __init__(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self.prefix = unsubscribe_prefix()
        signer = signing.Signer(salt=UNSUBSCRIBE_SALT)
        digest = getattr(hashlib, signer.algorithm)
        key = digest(force_bytes(f"{signer.salt!s}signer") + force_bytes(signer.key)).digest()
        self.mac = hmac.new(key, digestmod=digest)
        self.sep = signer.sep
        self.exact = all(
            self._link(pid) == unsubscribe_url(person_id=pid, campaign_id=campaign_id)
            for pid in (1, 987654321)
        )

    def __call__(self, person_id: int) -> str:
        if self.exact:
            return self._link(person_id)
        return unsubscribe_url(person_id=person_id, campaign_id=self.campaign_id)

    def _link(self, person_id: int) -> str:
        # Too short for zlib to shrink, so sign_object's payload is the plain JSON.
        payload = f"[{person_id},{self.campaign_id}]".encode()  # = compact JSON
        value = base64.urlsafe_b64encode(payload).rstrip(b"=")
        mac = self.mac.copy()
        mac.update(value)
        signature = base64.urlsafe_b64encode(mac.digest()).rstrip(b"=")
        return f"{self.prefix}{value.decode()}{self.sep}{signature.decode()}/"


class PreparedCampaign:
    """Everything about a campaign's e-mail that does not depend on the recipient."""

    def __init__(self, content: Content) -> None:
        self.subject = PreparedText(content.subject)
        self.body_text = PreparedText(content.body_text)
        self.body_html = PreparedText(content.body_html, escape=True) if content.body_html else None
        self.names = self.subject.names() | self.body_text.names()
        if self.body_html:
            self.names |= self.body_html.names()
        self.clock = _Clock()
        # "=_" never occurs in quoted-printable text, so one boundary serves every message.
        boundary = f"=_rapport_{uuid.uuid4().hex}"
        self.from_line = f"From: {address_header(conf.from_address())}\r\n"
        self.after_list_unsubscribe = "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" + (
            ""
            if self.body_html is None
            else f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n'
        )
        if self.body_html is None:
            self.text_head, self.between, self.tail = _part_head("plain"), "", ""
        else:
            self.text_head = f"\r\n--{boundary}\r\n{_part_head('plain')}"
            self.between = f"\r\n--{boundary}\r\n{_part_head('html')}"
            self.tail = f"\r\n--{boundary}--\r\n"

    def wants(self, group: str) -> bool:
        """Whether the template uses a merge field of ``group`` ("owner", "scores", …)."""
        return any(name.startswith(group + ".") for name in self.names)

    def message(self, *, to: str, person: Any, message_id: str, unsubscribe: str) -> bytes:
        """The e-mail for one recipient, ready for SMTP DATA (before dot-stuffing)."""
        if not _single_line_ascii(to) or not _single_line_ascii(message_id):
            raise ValueError(f"Not a usable address or Message-ID: {to!r}")
        values = merge_fields.person_values(person, names=self.names)
        values[merge_fields.UNSUBSCRIBE_FIELD] = unsubscribe
        subject = merge_fields.single_line(self.subject.render(values))
        text = self.body_text.render(values) + UNSUBSCRIBE_TEXT.format(url=unsubscribe)
        parts = [
            self.from_line, "To: ", to, "\r\nSubject: ", encode_header(subject),
            "\r\nDate: ", self.clock.now(), "\r\nMessage-ID: ", message_id,
            "\r\nMIME-Version: 1.0\r\nList-Unsubscribe: <", unsubscribe, ">\r\n",
            self.after_list_unsubscribe, self.text_head, quoted_printable(text),
        ]  # fmt: skip
        if self.body_html is not None:
            body_html = self.body_html.render(values) + UNSUBSCRIBE_HTML.format(url=unsubscribe)
            parts += [self.between, quoted_printable(body_html), self.tail]
        return "".join(parts).encode("ascii")


def _single_line_ascii(value: str) -> bool:
    return value.isascii() and "\r" not in value and "\n" not in value
