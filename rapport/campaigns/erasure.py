"""An erased person's e-mails, in and out, keep their dates and statuses (the campaign's
counts stay right) but lose the address and the text."""

from __future__ import annotations

from django.db.models import Q

from rapport.campaigns.models import CampaignRecipient, InboundEmail, OutboundEmail
from rapport.core.erasure import ERASED_TEXT, ErasedPerson


def erase_emails(erased: ErasedPerson) -> None:
    ids = erased.person_ids
    OutboundEmail.objects.filter(person_id__in=ids).update(
        to_address="", subject=ERASED_TEXT, body_text=ERASED_TEXT, body_html="", error=""
    )
    CampaignRecipient.objects.filter(person_id__in=ids).update(email="", error="")
    senders = Q(pk__in=[])
    for address in erased.emails:
        senders |= Q(from_address__iexact=address)
    InboundEmail.objects.filter(senders).update(
        from_address="", subject=ERASED_TEXT, body_text=ERASED_TEXT, bounce_detail=""
    )
    about = Q(people__in=ids)
    fields = ("subject", "body_text", "to_addresses", "cc_addresses", "bounce_detail")
    for mail in InboundEmail.objects.filter(about | erased.mentioned(*fields)).distinct():
        linked = mail.people.filter(pk__in=ids).exists()
        for name in fields:
            setattr(mail, name, erased.redact(getattr(mail, name), about_them=linked))
        mail.save(update_fields=list(fields))
