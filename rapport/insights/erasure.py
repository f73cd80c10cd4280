"""An erased person's strategic flags keep their kind (for the counts) but not the reason
written about them; scores are numbers, kept as the aggregate history."""

from __future__ import annotations

from rapport.core.erasure import ErasedPerson
from rapport.insights.models import StrategicFlag


def erase_flag_reasons(erased: ErasedPerson) -> None:
    for flag in StrategicFlag.objects.filter(person_id__in=erased.person_ids):
        flag.reason = erased.redact(flag.reason)
        flag.save(update_fields=["reason"])
