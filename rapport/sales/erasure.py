"""An erased person's orders keep their amounts and dates (the aggregate history the
value models need) but lose the notes that name them."""

from __future__ import annotations

from django.db.models import Q

from rapport.core.erasure import ErasedPerson, redact_history
from rapport.sales.models import Order, OrderLine


def erase_order_notes(erased: ErasedPerson) -> None:
    theirs = Q(person_id__in=erased.person_ids)
    for order in Order.objects.filter(theirs | erased.mentioned("note")):
        order.note = erased.redact(order.note, about_them=order.person_id in erased.person_ids)
        order.version += 1  # an edit opened before the erasure cannot write the note back
        order.save(update_fields=["note", "version"])
    redact_history(erased, "order", Order.objects.filter(theirs).values_list("pk", flat=True))
    for line in OrderLine.objects.filter(
        Q(order__person_id__in=erased.person_ids) | erased.mentioned("description")
    ):
        line.description = erased.redact(line.description)
        line.save(update_fields=["description"])
