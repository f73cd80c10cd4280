"""POST /people/{id}/emails (send one e-mail) and GET /emails/{id} (how it went)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from rapport.accounts.access import access_record, visible_to
from rapport.api.auth import current_user
from rapport.api.responses import ERRORS
from rapport.campaigns.api.schemas import EmailIn, EmailOut
from rapport.campaigns.models import OutboundEmail
from rapport.campaigns.services.single import email_queue
from rapport.core.errors import NotFound
from rapport.people.models import Person

router = Router(tags=["e-mail"])


@router.post("/people/{person_id}/emails", response={202: EmailOut, **ERRORS},
             summary="Send an e-mail to a person")  # fmt: skip
def send_email(
    request: HttpRequest, person_id: int, payload: EmailIn, response: HttpResponse
) -> Status[OutboundEmail]:
    """Queues a template (`template_id`) or a written message (`subject`, `body_text`, `kind`)
    for the worker: 202 with the e-mail's id; follow `Location` for its status.
    Marketing e-mail needs the person's opt-in (422 otherwise)."""
    user = current_user(request)
    person = access_record(Person.objects.all(), user, pk=person_id, for_write=True)
    message = email_queue(actor=user, person=person, data=payload.to_service_data())
    message.refresh_from_db()
    response["Location"] = request.build_absolute_uri(f"/api/v1/emails/{message.pk}")
    return Status(202, message)


@router.get("/emails/{email_id}", response={200: EmailOut, **ERRORS}, summary="Get a sent e-mail")
def get_email(request: HttpRequest, email_id: int) -> OutboundEmail:
    user = current_user(request)
    people = visible_to(Person.objects.all(), user).values("pk")
    message = OutboundEmail.objects.filter(pk=email_id, person__in=people).first()
    if message is None:
        raise NotFound("No such e-mail, or you may not see it.")
    return message
