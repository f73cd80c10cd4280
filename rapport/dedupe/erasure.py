"""An erased person leaves the duplicate check: its profile and keys are keyed by id,
so no foreign key would take them; merge records keep ids, not the merged data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q

from rapport.core.audit import REDACTED
from rapport.core.erasure import ErasedPerson
from rapport.dedupe.models import MatchKey, MatchProfile, MergeRecord


def merged_into(person_ids: Sequence[int]) -> Iterable[int]:
    """Duplicates merged into these people: the same person, now in the trash."""
    return MergeRecord.objects.filter(entity="person", survivor_id__in=person_ids
                                      ).values_list("merged_id", flat=True)  # fmt: skip


def erase_from_duplicate_check(erased: ErasedPerson) -> None:
    ids = erased.person_ids
    MatchProfile.objects.filter(entity="person", record_id__in=ids).delete()
    MatchKey.objects.filter(entity="person", record_id__in=ids).delete()
    MergeRecord.objects.filter(
        Q(survivor_id__in=ids) | Q(merged_id__in=ids), entity="person"
    ).update(snapshot=REDACTED, merged_label="")
