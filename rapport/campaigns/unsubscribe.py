"""Signed unsubscribe links: whoever holds the link may withdraw that person's consent.

The token names the person (and the campaign, to mark its recipient row). It never
expires: a link in an e-mail from years ago must still work.
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.utils import timezone

from rapport.campaigns.models import CampaignRecipient, RecipientStatus
from rapport.core.errors import NotFound
from rapport.core.events import emit
from rapport.core.locking import save_with_version
from rapport.core.models import AuditAction
from rapport.people.models import ConsentStatus, Person

_SALT = "rapport.campaigns.unsubscribe"
METHOD = "unsubscribe link"


def unsubscribe_token(*, person_id: int, campaign_id: int | None) -> str:
    # No timestamp: the same person and campaign always get the same link.
    return signing.Signer(salt=_SALT).sign_object([person_id, campaign_id or 0], compress=True)


def read_token(token: str) -> tuple[int, int | None]:
    try:
        person_id, campaign_id = signing.Signer(salt=_SALT).unsign_object(token)
        return int(person_id), (int(campaign_id) or None)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise NotFound("This unsubscribe link is not valid.") from exc


def subscriber(*, token: str) -> Person:
    """The person a link names, read only (the confirmation page shows, never changes)."""
    person_id, _ = read_token(token)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("This unsubscribe link is not valid.")
    return person


def masked_address(address: str) -> str:
    """``ana@example.com`` → ``a••@e••••••.com``: enough to recognise, not to read off a
    link someone forwarded."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return ""
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""

    def hide(part: str) -> str:
        return part[:1] + "•" * max(len(part) - 1, 2)

    return f"{hide(local)}@{hide(host)}{dot}{tld}"


@transaction.atomic
def unsubscribe(*, token: str) -> Person:
    """Withdraw e-mail consent (idempotent) and record how, with an audit event."""
    person_id, campaign_id = read_token(token)
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFound("This unsubscribe link is not valid.")
    if person.email_consent != ConsentStatus.WITHDRAWN:
        before = (person.email_consent, person.email_consent_method)
        now = timezone.now()
        person.email_consent = ConsentStatus.WITHDRAWN
        person.email_consent_at = now
        person.email_consent_method = METHOD
        save_with_version(person, ["email_consent", "email_consent_at", "email_consent_method"])
        emit("person.unsubscribed", entity_type="person", entity_ids=[person.pk], actor=None,
             changes={"email_consent": [before[0], ConsentStatus.WITHDRAWN],
                      "email_consent_method": [before[1], METHOD]},
             audit=AuditAction.UPDATE)  # fmt: skip
    if campaign_id is not None:
        CampaignRecipient.objects.filter(campaign_id=campaign_id, person_id=person_id).update(
            status=RecipientStatus.UNSUBSCRIBED, updated_at=timezone.now()
        )
    return person
