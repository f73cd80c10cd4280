"""The fast campaign path builds the same e-mail the general one does, safely.

``prepared`` splits a template once and writes the MIME directly; these tests parse
what it writes with the standard ``email`` package and compare it with Django's own
``EmailMultiAlternatives`` for the same content, including non-ASCII names and
merged values that try to smuggle in header lines.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from rapport.campaigns import merge_fields
from rapport.campaigns.mailer import (
    Content,
    build_email,
    campaign_message_id,
    render_for,
    unsubscribe_url,
)
from rapport.campaigns.prepared import PreparedCampaign, PreparedText, UnsubscribeLinks
from rapport.campaigns.unsubscribe import read_token

TEMPLATES = [
    "",
    "No fields at all.",
    "{{ person.first_name }}",
    'Hi {{person.first_name|default:"there"}}, {{ person.last_name }}!',
    "{{ person.first_name }}{{ person.last_name }} {{  owner.display_name  }}",
    '<p>{{ person.first_name|default:"<friend>" }} & {{ unsubscribe_url }}</p>',
    "{{ custom.team_colour }} and {{ unknown.field }} and {{ broken",
]
VALUES = [
    {"person.first_name": "Zoë", "person.last_name": "O'Brien & <Sons>", "unsubscribe_url": "u"},
    {"person.first_name": "", "owner.display_name": "Ana", "custom.team_colour": "red"},
    {},
]


def parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def body(message: EmailMessage, kind: str) -> str:
    """The decoded text; line ends as "\n" (SMTP's are CRLF, Django's as_bytes "\n")."""
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


@pytest.mark.parametrize("text", TEMPLATES)
@pytest.mark.parametrize("escape", [False, True])
def test_a_split_template_renders_exactly_like_merge_render(text: str, escape: bool) -> None:
    prepared = PreparedText(text, escape=escape)
    assert prepared.exact
    for values in VALUES:
        assert prepared.render(values) == merge_fields.render(text, values, escape=escape)
    assert prepared.names() == {p.name for p in merge_fields.placeholders(text)}


def test_a_split_template_falls_back_to_merge_render_when_they_disagree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(merge_fields, "render", lambda text, values, escape=False: "merge says so")
    prepared = PreparedText("Hi {{ person.first_name }}")
    assert not prepared.exact
    assert prepared.render({"person.first_name": "Ana"}) == "merge says so"


@pytest.fixture
def from_address(settings: Any) -> str:
    settings.DEFAULT_FROM_EMAIL = "Équipe Rapport <news@example.com>"
    return settings.DEFAULT_FROM_EMAIL


def test_the_prepared_email_parses_to_what_django_would_send(
    db: Any, make_person: Any, from_address: str
) -> None:
    person = make_person(first_name="Zoë", last_name="Ñúñez", emails=["zoe@example.com"])
    content = Content(
        subject="Olá {{ person.first_name }} — ünïcode " + "long words " * 12,
        body_text="Merci {{ person.full_name }} ✓\n.\nA line that starts with a dot.\n" + "x" * 200,
        body_html='<p>Grüße {{ person.first_name|default:"toi" }}</p>',
    )
    link = unsubscribe_url(person_id=person.pk, campaign_id=3)
    message_id = campaign_message_id(campaign_id=3, person_id=person.pk)
    data = PreparedCampaign(content).message(
        to=person.email, person=person, message_id=message_id, unsubscribe=link
    )
    ours = parse(data)
    django = parse(
        build_email(
            to=person.email, rendered=render_for(content, person, unsubscribe=link),
            message_id=message_id, unsubscribe=link,
        ).message().as_bytes()
    )  # fmt: skip
    for header in ("From", "To", "Subject", "Message-ID", "List-Unsubscribe",
                   "List-Unsubscribe-Post", "MIME-Version"):  # fmt: skip
        # (Django's folding leaves a leading space on a long encoded Subject; ours does not.)
        assert str(ours[header]) == str(django[header]).strip(), header
    assert ours["From"].addresses[0].display_name == "Équipe Rapport"
    assert ours["From"].addresses[0].addr_spec == "news@example.com"
    assert ours["Date"].datetime is not None
    assert ours.get_content_type() == "multipart/alternative"
    for kind in ("plain", "html"):
        assert body(ours, kind) == body(django, kind)
        part = ours.get_body(preferencelist=(kind,))
        assert part is not None and part["Content-Transfer-Encoding"] == "quoted-printable"
    assert "Ñúñez" in body(ours, "plain") and link in body(ours, "plain")
    # Lines stay short (the unsubscribe link is one unbreakable token: under SMTP's 998).
    lines = data.split(b"\r\n")
    assert [
        line for line in lines if len(line) > 78 and not line.startswith(b"List-Unsubscribe:")
    ] == []
    assert max(len(line) for line in lines) <= 998
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF line ends only
    data.decode("ascii")


def test_a_text_only_campaign_is_a_single_part(db: Any, make_person: Any) -> None:
    person = make_person(first_name="Ana", emails=["ana@example.com"])
    data = PreparedCampaign(Content("Hello", "Just text, {{ person.first_name }}.")).message(
        to=person.email, person=person, message_id="<m@example.com>", unsubscribe="https://u/1/"
    )
    message = parse(data)
    assert message.get_content_type() == "text/plain"
    assert body(message, "plain").startswith("Just text, Ana.\n")
    assert message["List-Unsubscribe"] == "<https://u/1/>"


def test_merged_values_cannot_add_header_lines(db: Any, make_person: Any) -> None:
    person = make_person(
        first_name="Bob\r\nBcc: victim@example.com", last_name="X\nX-Evil: 1",
        emails=["bob@example.com"],
    )  # fmt: skip
    content = Content("Hi {{ person.first_name }} {{ person.last_name }}", "Body")
    data = PreparedCampaign(content).message(
        to=person.email, person=person, message_id="<m@example.com>", unsubscribe="https://u/1/"
    )
    message = parse(data)
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"] == "Hi Bob Bcc: victim@example.com X X-Evil: 1"
    header_block = data.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in header_block and b"\r\nX-Evil:" not in header_block


@pytest.mark.parametrize("to", ["a@example.com\r\nBcc: b@example.com", "ü@example.com"])
def test_an_unusable_recipient_address_is_refused_not_written(
    db: Any, make_person: Any, to: str
) -> None:
    person = make_person(first_name="Ana", emails=["ana@example.com"])
    with pytest.raises(ValueError):
        PreparedCampaign(Content("Hi", "Body")).message(
            to=to, person=person, message_id="<m@example.com>", unsubscribe="https://u/1/"
        )


def test_prepared_unsubscribe_links_are_the_signed_links(db: Any) -> None:
    links = UnsubscribeLinks(campaign_id=42)
    assert links.exact
    for person_id in (1, 7, 123456789):
        link = links(person_id)
        assert link == unsubscribe_url(person_id=person_id, campaign_id=42)
        assert read_token(link.rstrip("/").rsplit("/", 1)[1]) == (person_id, 42)
