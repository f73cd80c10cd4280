"""Who may use the GDPR tools on a person (the rule beside ``access.py``)."""

from __future__ import annotations

from rapport.accounts.access import access_record
from rapport.accounts.models import Role, User
from rapport.core.errors import PermissionDenied
from rapport.people.models import Person


def may_use_gdpr_tools(user: User, person: Person) -> bool:
    """Admins for anyone; managers for the people of their teams (and their own)."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return user.role == Role.MANAGER and (
        person.owner_id == user.pk or person.team_id in user.team_ids
    )


def access_gdpr_person(*, user: User, pk: int) -> Person:
    """The person ``pk`` if ``user`` may see them and use the GDPR tools on them."""
    person = access_record(Person.objects.all(), user, pk=pk)
    if not may_use_gdpr_tools(user, person):
        raise PermissionDenied("Only an admin, or a manager of this person's team, can do this.")
    return person
