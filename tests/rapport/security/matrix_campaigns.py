"""Campaign routes: e-mail templates, one e-mail to a person, received mail, campaigns,
and the public unsubscribe link.

Templates and campaigns have owners and teams and follow the records' rules (team
visibility): rick's template and mona's campaign belong to North, so sam (South) does
not see them; writers add templates and whoever may change a North record changes
rick's template; admins and managers run campaigns they may change. Across teams,
sol (South's manager) owns a South campaign and template: mona, North's manager, may
not see, change, send or cancel them. A North campaign whose audience holds a South
person can be sent only by someone who sees both (the admin). E-mail to a person:
whoever may edit the person. Received mail is logged to a person only by those who
may see them. The unsubscribe link needs no login.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.accounts.models import Role
from rapport.accounts.services import user_create
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
from rapport.people.services import person_create, person_update
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
TEMPLATE_EDITORS = frozenset({"admin", "manager", "rep"})  # North's: rick wrote it
SEES_SOUTH = frozenset({"admin", "other_rep"})  # sol's campaign and template, team South
SOUTH_TEMPLATE_EDITORS = SEES_SOUTH  # sam may change his team's templates
ADMIN_ONLY = frozenset({"admin"})


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
    # Team South: its manager sol, a person of sam's, sol's template and campaign
    sol, _ = user_create(username="sol", role=Role.MANAGER, password="x" * 20,
                         teams=[world.teams["south"]], email="sol@example.com")  # fmt: skip
    sven = person_create(actor=world.users["other_rep"], data={
        "first_name": "Sven", "last_name": "South", "emails": ["sven@example.com"]})  # fmt: skip
    south_template = template_create(actor=sol, data={
        "name": "South template", "kind": "marketing", "subject": "Hej", "body_text": "Hej",
    })  # fmt: skip
    south_campaign = campaign_create(actor=sol, data={
        "name": "South campaign", "template_id": south_template.pk, "audience_kind": "static",
        "person_ids": [sven.pk],
    })  # fmt: skip
    # North's campaign to Ana and Sven, set up by the admin: only the admin sees them both
    mixed = campaign_create(actor=world.users["admin"], data={
        "name": "Mixed campaign", "template_id": used.pk, "audience_kind": "static",
        "person_ids": [world.person.pk, sven.pk], "owner": manager.pk,
        "team": world.teams["north"].pk,
    })  # fmt: skip
    world.users["south_manager"] = sol
    world.extra.update(
        template=template, used_template=used, campaign=campaign, email=email,
        token=unsubscribe_token(person_id=world.person.pk, campaign_id=None),
        south_template=south_template, south_campaign=south_campaign, mixed_campaign=mixed,
        sven=sven,
    )  # fmt: skip


def _campaign(w: World) -> dict[str, Any]:
    return {"pk": w.extra["campaign"].pk}


def _template(w: World) -> dict[str, Any]:
    return {"pk": w.extra["template"].pk}


def _south(w: World) -> dict[str, Any]:
    return {"pk": w.extra["south_campaign"].pk}


def _south_template(w: World) -> dict[str, Any]:
    return {"pk": w.extra["south_template"].pk}


def _mixed(w: World) -> dict[str, Any]:
    return {"pk": w.extra["mixed_campaign"].pk}


def _campaign_status(w: World, key: str = "campaign") -> str:
    return str(Campaign.objects.filter(pk=w.extra[key].pk).values_list("status", flat=True).first())


def _renamed(w: World, key: str) -> bool:
    return Campaign.objects.filter(pk=w.extra[key].pk).exclude(name__endswith="campaign").exists()


def _template_renamed(w: World) -> bool:
    return EmailTemplate.objects.get(pk=w.extra["south_template"].pk).name != "South template"


def _south_data(w: World) -> dict[str, Any]:
    return {"name": "Taken", "template_id": w.extra["used_template"].pk,
            "audience_kind": "static", "person_ids": str(w.person.pk)}  # fmt: skip


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
    "campaigns:campaign_detail": [
        Case("GET", frozenset(SEES_RECORD), kwargs=_campaign),
        Case("GET", SEES_SOUTH, kwargs=_south),
    ],
    "campaigns:campaign_edit": [
        Case("GET", CAMPAIGNERS, kwargs=_campaign),
        Case("POST", CAMPAIGNERS, kwargs=_campaign, data=_campaign_data),
        Case("GET", ADMIN_ONLY, kwargs=_south),
        Case(
            "POST",
            ADMIN_ONLY,
            kwargs=_south,
            data=_south_data,
            effect=lambda w: _renamed(w, "south_campaign"),
        ),
    ],
    "campaigns:campaign_send": [
        Case(
            "POST",
            CAMPAIGNERS,
            kwargs=_campaign,
            effect=lambda w: _campaign_status(w) != CampaignStatus.DRAFT,
        ),
        Case(
            "POST",
            ADMIN_ONLY,
            kwargs=_south,
            effect=lambda w: _campaign_status(w, "south_campaign") != CampaignStatus.DRAFT,
        ),
        # mona may change the mixed campaign, but not send it to Sven, whom she cannot see
        Case(
            "POST",
            ADMIN_ONLY,
            kwargs=_mixed,
            effect=lambda w: _campaign_status(w, "mixed_campaign") != CampaignStatus.DRAFT,
        ),
    ],
    "campaigns:campaign_cancel": [
        Case(
            "POST",
            CAMPAIGNERS,
            kwargs=_campaign,
            effect=lambda w: _campaign_status(w) == CampaignStatus.CANCELLED,
        ),
        Case(
            "POST",
            ADMIN_ONLY,
            kwargs=_south,
            effect=lambda w: _campaign_status(w, "south_campaign") == CampaignStatus.CANCELLED,
        ),
    ],
    "campaigns:campaign_delete": [
        Case(
            "POST",
            CAMPAIGNERS,
            kwargs=_campaign,
            effect=lambda w: not Campaign.objects.filter(pk=w.extra["campaign"].pk).exists(),
        ),
        Case(
            "POST",
            ADMIN_ONLY,
            kwargs=_south,
            effect=lambda w: not Campaign.objects.filter(pk=w.extra["south_campaign"].pk).exists(),
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
        Case("GET", frozenset(SEES_RECORD), kwargs=_template),  # read-only for non-editors
        Case("GET", SEES_SOUTH, kwargs=_south_template),
        Case(
            "POST",
            SOUTH_TEMPLATE_EDITORS,
            kwargs=_south_template,
            effect=_template_renamed,
            data=lambda w: {"name": "Taken", "kind": "marketing", "subject": "S", "body_text": "B"},
        ),
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
    ("GET", "/email-templates/{template_id}"): Case("GET", frozenset(SEES_RECORD)),
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
    ("GET", "/campaigns/{campaign_id}"): Case("GET", frozenset(SEES_RECORD)),
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
    ("GET", "/campaigns/{campaign_id}/results"): Case("GET", frozenset(SEES_RECORD)),
}


def _south_id(w: World) -> dict[str, Any]:
    return {"campaign_id": w.extra["south_campaign"].pk}


def _south_template_id(w: World) -> dict[str, Any]:
    return {"template_id": w.extra["south_template"].pk}


# The same operations on team South's campaign and template (path parameters in kwargs).
API_MORE: list[tuple[str, str, Case]] = [
    ("GET", "/campaigns/{campaign_id}", Case("GET", SEES_SOUTH, kwargs=_south_id)),
    ("GET", "/campaigns/{campaign_id}/results", Case("GET", SEES_SOUTH, kwargs=_south_id)),
    ("PATCH", "/campaigns/{campaign_id}", Case(
        "PATCH", ADMIN_ONLY, kwargs=_south_id, data=lambda w: {"name": "Taken"},
        effect=lambda w: _renamed(w, "south_campaign"))),
    ("POST", "/campaigns/{campaign_id}/send", Case(
        "POST", ADMIN_ONLY, kwargs=_south_id,
        effect=lambda w: _campaign_status(w, "south_campaign") != CampaignStatus.DRAFT)),
    ("POST", "/campaigns/{campaign_id}/cancel", Case(
        "POST", ADMIN_ONLY, kwargs=_south_id,
        effect=lambda w: _campaign_status(w, "south_campaign") == CampaignStatus.CANCELLED)),
    ("DELETE", "/campaigns/{campaign_id}", Case(
        "DELETE", ADMIN_ONLY, kwargs=_south_id,
        effect=lambda w: not Campaign.objects.filter(pk=w.extra["south_campaign"].pk).exists())),
    # North's campaign to Ana and Sven: mona may not send it (she cannot see Sven)
    ("POST", "/campaigns/{campaign_id}/send", Case(
        "POST", ADMIN_ONLY, kwargs=lambda w: {"campaign_id": w.extra["mixed_campaign"].pk},
        effect=lambda w: _campaign_status(w, "mixed_campaign") != CampaignStatus.DRAFT)),
    ("GET", "/email-templates/{template_id}", Case("GET", SEES_SOUTH, kwargs=_south_template_id)),
    ("PATCH", "/email-templates/{template_id}", Case(
        "PATCH", SOUTH_TEMPLATE_EDITORS, kwargs=_south_template_id,
        data=lambda w: {"name": "Taken"}, effect=_template_renamed)),
]  # fmt: skip


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {
        "template_id": world.extra["template"].pk,
        "campaign_id": world.extra["campaign"].pk,
        "email_id": world.extra["email"].pk,
    }
