"""Who may see a merge (the rule beside ``access.py``): whoever may see its survivor."""

from __future__ import annotations

from rapport.accounts.access import visible_to
from rapport.accounts.models import User
from rapport.core.errors import NotFound
from rapport.dedupe.models import MergeRecord
from rapport.dedupe.services import entity_model


def access_merge(user: User, pk: int) -> MergeRecord:
    """The merge ``pk`` if ``user`` may see the record it kept. A merge that does not
    exist and one of a record they may not see answer alike, so neither leaks."""
    merge = MergeRecord.objects.filter(pk=pk).first()
    if merge is not None:
        survivor = entity_model(merge.entity).objects.filter(pk=merge.survivor_id)
        if visible_to(survivor, user).exists():
            return merge
    raise NotFound("No such record, or you may not see it.")
