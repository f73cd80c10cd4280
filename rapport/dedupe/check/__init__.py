"""The duplicate check on create and edit: likely duplicates of a record not yet saved.

``core`` holds what every kind shares (candidates from the blocking keys, visibility,
"not a duplicate" decisions); ``people`` and ``organizations`` score their own kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapport.accounts.models import User
from rapport.dedupe.check.core import CHECK_THRESHOLD, Scored
from rapport.dedupe.check.organizations import organization_duplicates
from rapport.dedupe.check.people import person_duplicates
from rapport.dedupe.profiles import Profile

Check = Callable[[User, Profile, "int | None", float, int], Sequence[Scored]]

# The kinds of record the check knows, each with its own scoring.
CHECKS: dict[str, Check] = {
    "person": lambda user, profile, record_id, threshold, limit: person_duplicates(
        user=user, profile=profile, person_id=record_id, threshold=threshold, limit=limit
    ),
    "organization": lambda user, profile, record_id, threshold, limit: organization_duplicates(
        user=user, profile=profile, organization_id=record_id, threshold=threshold, limit=limit
    ),
}


def duplicates_of(
    entity: str,
    *,
    user: User,
    profile: Profile,
    record_id: int | None = None,
    threshold: float = CHECK_THRESHOLD,
    limit: int = 5,
) -> Sequence[Scored]:
    """Live records of kind ``entity`` that ``user`` may see and that are likely the one
    ``profile`` describes, best first. ``record_id``: the record being edited."""
    return CHECKS[entity](user, profile, record_id, threshold, limit)
