"""Campaign routes: e-mail templates, one e-mail to a person, received mail, campaigns,
and the public unsubscribe link.

Templates: everyone reads (a read-only page for those who may not change them), writers
add; the author (rick), managers and admins change them. E-mail to a person: whoever may edit the person. Campaigns: everyone sees them,
admins and managers run them. The unsubscribe link needs no login.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.campaigns.models import (
    Campaign,
    CampaignStatus,
    EmailTemplate,
    InboundEmail,
    OutboundEmail,
)
from rapport.campaigns.services.campaigns import campaign_create
from rapport.campaigns.services.templates import template_create
from rapport.campaigns.unsubscribe import unsubscribe_token
from rapport.people.services import person_update
from tests.rapport.security.matrix import (
    EDITS_RECORD,
    EVERYONE,
    PUBLIC,
    SEES_RECORD,
    WRITERS,
    Case,
    World,
)

CAMPAIGNERS = frozenset({"admin", "manager"})
TEMPLATE_EDITORS = frozenset({"admin", "manager", "rep"})  # rick wrote it


def extend_world(world: World) -> None:
    rep, manager = world.users["rep"], world.users["manager"]
    if not world.person.email:  # something to send a message to
        person_update(actor=rep, person=world.person, data={"emails": ["ana@example.com"]})
        world.person.refresh_from_db()
    template = template_create(actor=rep, data={
        "name": "Matrix template", "kind": "marketing", "subject": "Hi {{ person.first_name }}",
        "body_text": "Hello",
    })  # fmt: skip
    used = template_create(actor=manager, data={
        "name": "Campaign template", "kind": "marketing", "subject": "News", "body_text": "Hello",
    })  # fmt: skip
    campaign = campaign_create(actor=manager, data={
        "name": "Matrix campaign", "template_id": used.pk, "audience_kind": "static",
        "person_ids": [world.person.pk],
    })  # fmt: skip
    email = OutboundEmail.objects.create(
        person=world.person, sender=rep, kind="transactional", to_address="ana@example.com",
        subject="Hello", body_text="Hi", status="sent", message_id="<matrix.1@example.com>",
    )  # fmt: skip
    world.extra.update(
        template=template, used_template=used, campaign=campaign, email=email,
        token=unsubscribe_token(person_id=world.person.pk, campaign_id=None),
    )  # fmt: skip


def _campaign(w: World) -> dict[str, Any]:
    return {"pk": w.extra["campaign"].pk}


def _template(w: World) -> dict[str, Any]:
    return {"pk": w.extra["template"].pk}


def _campaign_status(w: World) -> str:
    return str(
        Campaign.objects.filter(pk=w.extra["campaign"].pk).values_list("status", flat=True).first()
    )


def _ana_mail(w: World) -> dict[str, Any]:
    """An .eml from Ana's address: it may be logged to her only by those who may see her."""
    raw = (b"From: Ana <ana@example.com>\r\nTo: crm@example.com\r\nSubject: Hello\r\n"
           b"Message-ID: <matrix.in@example.com>\r\n\r\nHi\r\n")  # fmt: skip
    return {"eml": [SimpleUploadedFile("ana.eml", raw, content_type="message/rfc822")]}


def _ana_mail_logged(w: World) -> bool:
    return InboundEmail.objects.filter(
        message_id="<matrix.in@example.com>", people=w.person
    ).exists()


def _campaign_data(w: World) -> dict[str, Any]:
    return {"name": "New", "template_id": w.extra["used_template"].pk, "audience_kind": "static",
            "person_ids": str(w.person.pk)}  # fmt: skip


PAGES: dict[str, list[Case]] = {
    "campaigns:campaign_list": [Case("GET", frozenset(EVERYONE))],
    "campaigns:campaign_create": [
        Case("GET", CAMPAIGNERS),
        Case("POST", CAMPAIGNERS, data=_campaign_data),
    ],
    "campaigns:campaign_detail": [Case("GET", frozenset(EVERYONE), kwargs=_campaign)],
    "campaigns:campaign_edit": [
        Case("GET", CAMPAIGNERS, kwargs=_campaign),
        Case("POST", CAMPAIGNERS, kwargs=_campaign, data=_campaign_data),
    ],
    "campaigns:campaign_send": [
        Case(
            "POST",
            CAMPAIGNERS,
            kwargs=_campaign,
            effect=lambda w: _campaign_status(w) != CampaignStatus.DRAFT,
        ),
    ],
    "campaigns:campaign_cancel": [
        Case(
            "POST",
            CAMPAIGNERS,
            kwargs=_campaign,
            effect=lambda w: _campaign_status(w) == CampaignStatus.CANCELLED,
        ),
    ],
    "campaigns:campaign_delete": [
        Case(
            "POST",
            CAMPAIGNERS,
            kwargs=_campaign,
            effect=lambda w: not Campaign.objects.filter(pk=w.extra["campaign"].pk).exists(),
        ),
    ],
    "campaigns:template_list": [Case("GET", frozenset(EVERYONE))],
    "campaigns:template_create": [
        Case("GET", frozenset(WRITERS)),
        Case(
            "POST",
            frozenset(WRITERS),
            data=lambda w: {"name": "T", "kind": "transactional", "subject": "S", "body_text": "B"},
        ),
    ],
    "campaigns:template_preview": [
        Case(
            "POST",
            frozenset(EVERYONE),
            data=lambda w: {"subject": "Hi {{ person.first_name }}", "body_text": "x"},
        ),
    ],
    "campaigns:template_edit": [
        Case("GET", frozenset(EVERYONE), kwargs=_template),  # read-only for non-editors
        Case(
            "POST",
            TEMPLATE_EDITORS,
            kwargs=_template,
            data=lambda w: {
                "name": "Renamed",
                "kind": "marketing",
                "subject": "S",
                "body_text": "B",
            },
        ),
    ],
    "campaigns:template_delete": [
        Case(
            "POST",
            TEMPLATE_EDITORS,
            kwargs=_template,
            effect=lambda w: not EmailTemplate.objects.filter(pk=w.extra["template"].pk).exists(),
        ),
    ],
    "campaigns:person_email": [
        Case("GET", frozenset(EDITS_RECORD), kwargs=lambda w: {"pk": w.person.pk}),
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            kwargs=lambda w: {"pk": w.person.pk},
            data=lambda w: {
                "action": "preview",
                "kind": "transactional",
                "subject": "S",
                "body_text": "B",
            },
        ),
    ],
    "campaigns:person_email_panel": [
        Case("GET", frozenset(SEES_RECORD), kwargs=lambda w: {"pk": w.person.pk}),
    ],
    "campaigns:inbound_upload": [
        Case("GET", frozenset(WRITERS)),
        Case("POST", frozenset(WRITERS)),
        # sam (South) may upload, but Ana's mail is not logged to her; the viewer is refused
        Case("POST", frozenset(EDITS_RECORD), data=_ana_mail, effect=_ana_mail_logged),
    ],
    "campaigns:unsubscribe": [
        Case("GET", frozenset(PUBLIC), kwargs=lambda w: {"token": w.extra["token"]}),
        Case("POST", frozenset(PUBLIC), kwargs=lambda w: {"token": w.extra["token"]}),
    ],
}

API: dict[tuple[str, str], Case] = {
    ("GET", "/email-templates"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/email-templates"): Case(
        "POST",
        frozenset(WRITERS),
        data=lambda w: {"name": "Api", "kind": "transactional", "subject": "S", "body_text": "B"},
    ),
    ("GET", "/email-templates/{template_id}"): Case("GET", frozenset(EVERYONE)),
    ("PATCH", "/email-templates/{template_id}"): Case(
        "PATCH", TEMPLATE_EDITORS, data=lambda w: {"name": "Api 2"}
    ),
    ("DELETE", "/email-templates/{template_id}"): Case(
        "DELETE",
        TEMPLATE_EDITORS,
        effect=lambda w: not EmailTemplate.objects.filter(pk=w.extra["template"].pk).exists(),
    ),
    ("POST", "/people/{person_id}/emails"): Case(
        "POST", frozenset(EDITS_RECORD), data=lambda w: {"subject": "Hello", "body_text": "Hi"}
    ),
    ("GET", "/emails/{email_id}"): Case("GET", frozenset(SEES_RECORD)),
    ("GET", "/campaigns"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/campaigns"): Case(
        "POST",
        CAMPAIGNERS,
        data=lambda w: {
            "name": "Api",
            "template_id": w.extra["used_template"].pk,
            "audience_kind": "static",
            "person_ids": [w.person.pk],
        },
    ),
    ("GET", "/campaigns/{campaign_id}"): Case("GET", frozenset(EVERYONE)),
    ("PATCH", "/campaigns/{campaign_id}"): Case(
        "PATCH", CAMPAIGNERS, data=lambda w: {"name": "Api 2"}
    ),
    ("DELETE", "/campaigns/{campaign_id}"): Case("DELETE", CAMPAIGNERS),
    ("POST", "/campaigns/{campaign_id}/send"): Case(
        "POST", CAMPAIGNERS, effect=lambda w: _campaign_status(w) != CampaignStatus.DRAFT
    ),
    ("POST", "/campaigns/{campaign_id}/cancel"): Case(
        "POST", CAMPAIGNERS, effect=lambda w: _campaign_status(w) == CampaignStatus.CANCELLED
    ),
    ("GET", "/campaigns/{campaign_id}/results"): Case("GET", frozenset(EVERYONE)),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {
        "template_id": world.extra["template"].pk,
        "campaign_id": world.extra["campaign"].pk,
        "email_id": world.extra["email"].pk,
    }
