"""Which people and organisations a user may see, for the events API (rapport.core.event_selectors).

Trashed records count (their events stay readable to whoever may see the trash); erased
ones no longer exist, so their events are left to admins.
"""

from __future__ import annotations

from typing import Any

from rapport.accounts.access import visible_to
from rapport.people.models import Organization, Person


def visible_person_ids(user: Any, ids: list[int]) -> set[int]:
    return set(visible_to(Person.objects.filter(pk__in=ids), user).values_list("pk", flat=True))


def visible_organization_ids(user: Any, ids: list[int]) -> set[int]:
    return set(
        visible_to(Organization.objects.filter(pk__in=ids), user).values_list("pk", flat=True)
    )
