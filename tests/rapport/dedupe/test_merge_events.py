"""A merge and its undo emit events naming both records; the organisation keys follow
them in the same transaction (the subscriber that replaced the save signal)."""

from __future__ import annotations

from typing import Any

from rapport.core.models import OutboxEvent
from rapport.dedupe.merge import merge_undo, organization_merge
from rapport.dedupe.models import MatchKey, MergeRecord


def test_an_organisation_merge_and_its_undo_emit_events_and_keys_follow(
    workspace: Any, make_org: Any
) -> None:
    survivor = make_org(name="Acme GmbH", city="Berlin")
    duplicate = make_org(name="ACME gmbh.", domain="acme.example")
    organization_merge(survivor=survivor, duplicate=duplicate, field_choices={"domain": "duplicate"},
                       merged_by=workspace.rep)  # fmt: skip
    (merged,) = OutboxEvent.objects.filter(name="organization.merged")
    assert merged.entity_ids == [survivor.pk, duplicate.pk] and "domain" in merged.fields
    # The duplicate (now trashed) lost its keys; the survivor holds the domain's
    assert not MatchKey.objects.filter(entity="organization", record_id=duplicate.pk).exists()
    assert MatchKey.objects.filter(entity="organization", record_id=survivor.pk).count() >= 2
    merge_undo(merge=MergeRecord.objects.get(), actor=workspace.rep)
    (undone,) = OutboxEvent.objects.filter(name="organization.merge_undone")
    assert undone.entity_ids == [survivor.pk, duplicate.pk] and "merge undone" not in undone.fields
    assert MatchKey.objects.filter(entity="organization", record_id=duplicate.pk).exists()
