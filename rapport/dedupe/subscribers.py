"""What the duplicate check does when records change elsewhere (domain events).

- A person created, edited, merged or a merge undone (the people services and the merge
  emit these): their keys and profile follow in the same transaction, so the duplicate
  check never sees a stale person. So do the people of an organisation renamed (they
  are found by its name).
- An organisation created, edited, trashed, restored or merged: its keys and profile
  follow in the same transaction (trashed ones lose their keys).
- An import batch: one bulk event per batch after its commit; the people and
  organisations it wrote get their keys refreshed by the worker (people an import
  creates get theirs in the batch itself, so ``person.imported`` names those it changed).
"""

from __future__ import annotations

from rapport.core.events import subscribe
from rapport.core.models import OutboxEvent

PERSON_CHANGES = (
    "person.created",
    "person.updated",
    "person.merged",
    "person.merge_undone",
)
ORGANIZATION_CHANGES = (
    "organization.created",
    "organization.updated",
    "organization.deleted",
    "organization.restored",
    "organization.merged",
    "organization.merge_undone",
)


def person_keys_follow(event: OutboxEvent) -> None:
    from rapport.dedupe.keys import person_keys_refresh

    person_keys_refresh(event.entity_ids)


def organization_keys_follow(event: OutboxEvent) -> None:
    from rapport.dedupe.orgkeys import organization_keys_refresh

    organization_keys_refresh(event.entity_ids)


def renamed_organization_people_keys(event: OutboxEvent) -> None:
    """People are matched on their organisation's name too."""
    if "name" not in event.fields:
        return
    from rapport.dedupe.keys import person_keys_refresh
    from rapport.people.selectors import people_of_organizations

    person_keys_refresh(people_of_organizations(event.entity_ids))


def imported_people_keys(event: OutboxEvent) -> None:
    from rapport.dedupe.keys import person_keys_refresh

    person_keys_refresh(event.entity_ids)


def imported_organization_keys(event: OutboxEvent) -> None:
    from rapport.dedupe.orgkeys import organization_keys_refresh

    organization_keys_refresh(event.entity_ids)


def connect() -> None:
    for name in PERSON_CHANGES:
        subscribe(name, person_keys_follow, phase="in_transaction")
    for name in ORGANIZATION_CHANGES:
        subscribe(name, organization_keys_follow, phase="in_transaction")
    subscribe("organization.updated", renamed_organization_people_keys, phase="in_transaction")
    subscribe("person.imported", imported_people_keys, phase="after_commit",
              consumer="dedupe.imported_people_keys")  # fmt: skip
    subscribe("organization.imported", imported_organization_keys, phase="after_commit",
              consumer="dedupe.imported_organization_keys")  # fmt: skip
