"""An erased person's strategic flags keep their kind (for the counts) but not the reason
written about them; lifecycle transitions keep their stages and dates but not the reason
given for a stage set by hand; scores are numbers, kept as the aggregate history."""

from __future__ import annotations

from rapport.core.erasure import ErasedPerson
from rapport.insights.models import LifecycleTransition, StrategicFlag


def erase_flag_reasons(erased: ErasedPerson) -> None:
    for flag in StrategicFlag.objects.filter(person_id__in=erased.person_ids):
        flag.reason = erased.redact(flag.reason)
        flag.save(update_fields=["reason"])


def erase_lifecycle_reasons(erased: ErasedPerson) -> None:
    transitions = LifecycleTransition.objects.filter(person_id__in=erased.person_ids).exclude(
        reason=""
    )
    for transition in transitions:
        transition.reason = erased.redact(transition.reason)
        transition.save(update_fields=["reason"])
