"""Who sees and changes which records, by role and workspace visibility."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.accounts.access import access_record, can_edit, editable_by, visible_to
from rapport.accounts.models import Visibility
from rapport.accounts.services import workspace_set_visibility
from rapport.core.errors import NotFound, PermissionDenied
from rapport.people.models import Person

pytestmark = pytest.mark.django_db


def _visible_names(user: Any) -> set[str]:
    return set(visible_to(Person.objects.all(), user).values_list("first_name", flat=True))


@pytest.fixture
def records(workspace: Any, make_person: Any) -> dict[str, Any]:
    return {
        "rick": make_person(actor=workspace.rep, first_name="RickOwn"),
        "rita": make_person(actor=workspace.rep2, first_name="RitaOwn"),
        "sam": make_person(actor=workspace.other_rep, first_name="SamOwn"),
        "admin": make_person(actor=workspace.admin, first_name="AdminOwn"),
    }


@pytest.mark.parametrize(
    ("visibility", "role", "expected"),
    [
        (Visibility.TEAM, "admin", {"RickOwn", "RitaOwn", "SamOwn", "AdminOwn"}),
        (Visibility.TEAM, "manager", {"RickOwn", "RitaOwn"}),
        (Visibility.TEAM, "rep", {"RickOwn", "RitaOwn"}),
        (Visibility.TEAM, "other_rep", {"SamOwn"}),
        (Visibility.TEAM, "viewer", {"RickOwn", "RitaOwn"}),
        (Visibility.PRIVATE, "rep", {"RickOwn"}),
        (Visibility.PRIVATE, "manager", {"RickOwn", "RitaOwn"}),
        (Visibility.PRIVATE, "viewer", set()),
        (Visibility.EVERYONE, "rep", {"RickOwn", "RitaOwn", "SamOwn", "AdminOwn"}),
        (Visibility.EVERYONE, "other_rep", {"RickOwn", "RitaOwn", "SamOwn", "AdminOwn"}),
    ],
)
def test_visibility_by_role(
    workspace: Any, records: Any, visibility: str, role: str, expected: set[str]
) -> None:
    # Given the workspace's visibility setting
    workspace_set_visibility(visibility=visibility)
    user = workspace.by_role()[role]
    # When the user lists people
    # Then they see exactly the records the rules allow
    assert _visible_names(user) == expected


def test_everyone_visibility_does_not_widen_writes(workspace: Any, records: Any) -> None:
    # Given everyone may see everything
    workspace_set_visibility(visibility=Visibility.EVERYONE)
    # Then a rep still may not change another team's record
    assert not can_edit(workspace.rep, records["sam"])
    assert can_edit(workspace.rep, records["rita"])
    editable = set(
        editable_by(Person.objects.all(), workspace.rep).values_list("first_name", flat=True)
    )
    assert editable == {"RickOwn", "RitaOwn"}


def test_viewer_never_writes(workspace: Any, records: Any) -> None:
    assert not can_edit(workspace.viewer, records["rick"])
    assert not editable_by(Person.objects.all(), workspace.viewer).exists()


def test_invisible_record_is_not_found_and_visible_readonly_is_forbidden(
    workspace: Any, records: Any
) -> None:
    # Given team visibility: sam (South) cannot see rick's record
    with pytest.raises(NotFound):
        access_record(Person.objects.all(), workspace.other_rep, pk=records["rick"].pk)
    # And the viewer can see it but not change it
    assert (
        access_record(Person.objects.all(), workspace.viewer, pk=records["rick"].pk).pk
        == records["rick"].pk
    )
    with pytest.raises(PermissionDenied):
        access_record(Person.objects.all(), workspace.viewer, pk=records["rick"].pk, for_write=True)


def test_deactivated_user_sees_nothing(workspace: Any, records: Any) -> None:
    workspace.rep.is_active = False
    workspace.rep.save(update_fields=["is_active"])
    assert _visible_names(workspace.rep) == set()
