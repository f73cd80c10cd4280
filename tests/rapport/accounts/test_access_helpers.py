"""The access_* helpers beside accounts/access.py: not found (404) for what a user may
not see, permission denied (403) for what they may see but not change."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.accounts.access_activities import access_task
from rapport.accounts.access_dataio import access_gdpr_person
from rapport.accounts.access_dedupe import access_merge
from rapport.accounts.access_insights import access_model_run
from rapport.activities.task_services import task_create
from rapport.core.errors import NotFound, PermissionDenied
from rapport.dedupe.merge import person_merge
from rapport.insights.models import ModelRun


@pytest.mark.django_db
def test_a_task_is_found_for_who_may_see_it_and_changed_by_who_may_change_it(
    workspace: Any,
) -> None:
    # Given a task the manager gave to a rep of their team
    task = task_create(actor=workspace.manager, data={"title": "Call Ana",
                                                      "assignee": workspace.rep.pk})  # fmt: skip
    # Then the assignee and the manager may open it to change it
    assert access_task(workspace.rep, task.pk, for_write=True).pk == task.pk
    assert access_task(workspace.manager, task.pk, for_write=True).pk == task.pk
    # And a rep of another team does not know it exists, even to read it
    with pytest.raises(NotFound):
        access_task(workspace.other_rep, task.pk)
    # And a task the rep made for themselves is the rep's: the other rep of the team
    # cannot see it
    own = task_create(actor=workspace.rep, data={"title": "Mine"})
    with pytest.raises(NotFound):
        access_task(workspace.rep2, own.pk)


@pytest.mark.django_db
def test_the_creator_of_a_task_may_read_it_but_not_change_it(workspace: Any) -> None:
    # Given a task a rep handed to a colleague of their team
    task = task_create(actor=workspace.rep, data={"title": "Send the quote",
                                                  "assignee": workspace.rep2.pk})  # fmt: skip
    # Then the creator reads it, but may not change it
    assert access_task(workspace.rep, task.pk).pk == task.pk
    with pytest.raises(PermissionDenied) as denied:
        access_task(workspace.rep, task.pk, for_write=True)
    assert denied.value.status_code == 403


@pytest.mark.django_db
def test_a_merge_is_found_by_who_may_see_its_survivor_and_a_missing_one_answers_alike(
    workspace: Any, make_person: Any
) -> None:
    # Given two North people merged by a rep
    survivor, duplicate = make_person(first_name="Ana"), make_person(first_name="Anna")
    person_merge(survivor=survivor, duplicate=duplicate, field_choices={},
                 merged_by=workspace.rep)  # fmt: skip
    from rapport.dedupe.models import MergeRecord

    merge = MergeRecord.objects.get(survivor_id=survivor.pk)
    # Then the team finds the merge
    assert access_merge(workspace.rep2, merge.pk).pk == merge.pk
    # And a rep of another team hears exactly what asking for no merge at all says
    with pytest.raises(NotFound) as hidden:
        access_merge(workspace.other_rep, merge.pk)
    with pytest.raises(NotFound) as missing:
        access_merge(workspace.admin, merge.pk + 1000)
    assert str(hidden.value.detail) == str(missing.value.detail)


@pytest.mark.django_db
def test_a_recompute_can_be_followed_by_every_signed_in_user(workspace: Any) -> None:
    run = ModelRun.objects.create(triggered_by=workspace.manager, message="Waiting")
    assert access_model_run(workspace.viewer, run.pk).pk == run.pk
    with pytest.raises(NotFound):
        access_model_run(workspace.viewer, run.pk + 1)


@pytest.mark.django_db
def test_gdpr_tools_are_for_admins_and_the_team_manager(workspace: Any, make_person: Any) -> None:
    # Given a North rep's person
    person = make_person()
    # Then the admin and North's manager may use the tools
    assert access_gdpr_person(user=workspace.admin, pk=person.pk).pk == person.pk
    assert access_gdpr_person(user=workspace.manager, pk=person.pk).pk == person.pk
    # And the rep who owns the person sees them but may not
    with pytest.raises(PermissionDenied):
        access_gdpr_person(user=workspace.rep, pk=person.pk)
    # And a rep of another team does not see them at all
    with pytest.raises(NotFound):
        access_gdpr_person(user=workspace.other_rep, pk=person.pk)
