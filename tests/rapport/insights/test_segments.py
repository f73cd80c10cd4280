"""Segments: conditions over fields and scores, always within what the user may see."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import ValidationFailed
from rapport.insights.models import CustomerScore, Segment
from rapport.insights.recompute import insights_recompute
from rapport.insights.selectors import segment_people
from rapport.insights.services import segment_create, strategic_flag_set
from rapport.people.models import Person
from rapport.people.selectors import ListFilter, capped_count, person_list


def _segment(owner: Any, *conditions: dict[str, Any], entity: str = "person") -> Segment:
    return segment_create(actor=owner, data={"name": "S", "entity": entity,
                                             "definition": list(conditions)})  # fmt: skip


def test_record_conditions_combine_with_and(workspace: Any, make_person: Any) -> None:
    make_person(first_name="Vip", tags=["vip"], lifecycle_stage="customer")
    make_person(first_name="Plain", lifecycle_stage="customer")
    make_person(first_name="Prospect", tags=["vip"])
    segment = _segment(workspace.rep, {"field": "stage", "op": "eq", "value": "customer"},
                       {"field": "tag", "op": "eq", "value": "vip"})  # fmt: skip
    assert [p.first_name for p in segment_people(segment=segment, user=workspace.rep)] == ["Vip"]
    not_vip = _segment(workspace.rep, {"field": "tag", "op": "ne", "value": "vip"})
    assert {p.first_name for p in segment_people(segment=not_vip, user=workspace.rep)} == {"Plain"}


def test_score_conditions_use_the_latest_run(seeded: Any, workspace: Any) -> None:
    insights_recompute(triggered_by=None)
    tier_a = sorted(CustomerScore.objects.filter(tier="A").values_list("p_alive", flat=True))
    cut = tier_a[len(tier_a) // 2]  # "tier A and p_alive below the tier's median"
    segment = _segment(workspace.admin, {"field": "tier", "op": "eq", "value": "A"},
                       {"field": "p_alive", "op": "lt", "value": str(cut)})  # fmt: skip
    members = set(
        segment_people(segment=segment, user=workspace.admin).values_list("pk", flat=True)
    )
    expected = set(CustomerScore.objects.filter(is_latest=True, tier="A", p_alive__lt=cut,
                                                person__isnull=False)
                   .values_list("person_id", flat=True))  # fmt: skip
    assert members == expected and members


def test_a_reps_segment_never_counts_records_they_cannot_see(seeded: Any, workspace: Any) -> None:
    insights_recompute(triggered_by=None)
    # given a shared segment of everyone scored
    segment = _segment(workspace.manager, {"field": "orders", "op": "gte", "value": "1"})
    segment.shared = True
    segment.save()
    # then each user counts only the customers they may see
    seen_by_rick = segment_people(segment=segment, user=workspace.rep)
    assert seen_by_rick.count() == 62  # 60 North customers, Ana and Bob
    assert not seen_by_rick.filter(team=workspace.south).exists()
    assert segment_people(segment=segment, user=workspace.other_rep).count() == 40
    # and the system (user=None) sees everyone but still not the deleted
    Person.objects.filter(pk=seeded["ana"].pk).update(deleted_at="2024-01-01T00:00:00Z")
    assert segment_people(segment=segment, user=None).count() == 101


def test_strategic_flags_and_organisation_segments(workspace: Any, make_org: Any,
                                                   make_person: Any) -> None:  # fmt: skip
    acme = make_org(name="Acme")
    make_org(name="Other")
    ana = make_person(organizations=[{"organization_id": acme.pk, "role": "Buyer"}])
    strategic_flag_set(actor=workspace.rep, entity="organization", pk=acme.pk, kind="benchmark",
                       reason="Everyone copies them")  # fmt: skip
    segment = _segment(workspace.rep, {"field": "flag", "op": "eq", "value": "benchmark"},
                       entity="organization")  # fmt: skip
    # an organisation segment gives its organisations' people to campaigns
    assert list(segment_people(segment=segment, user=workspace.rep)) == [ana]


def test_bad_conditions_are_explained(workspace: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _segment(workspace.rep, {"field": "tier", "op": "lt", "value": "A"},
                 {"field": "shoe", "op": "eq", "value": 1},
                 {"field": "p_alive", "op": "gt", "value": "lots"})  # fmt: skip
    messages = exc.value.detail["definition"]  # type: ignore[index]
    assert len(messages) == 3 and messages[0].startswith("Condition 1")


def test_the_people_list_filters_by_segment(workspace: Any, make_person: Any) -> None:
    make_person(first_name="Vip", tags=["vip"])
    make_person(first_name="Plain")
    segment = _segment(workspace.rep, {"field": "tag", "op": "eq", "value": "vip"})
    qs = person_list(user=workspace.rep, flt=ListFilter.from_params({"segment": str(segment.pk)}))
    assert [p.first_name for p in qs] == ["Vip"]
    assert capped_count(qs) == (1, False)
    # someone else's private segment cannot be used
    with pytest.raises(ValidationFailed):
        person_list(user=workspace.other_rep,
                    flt=ListFilter.from_params({"segment": str(segment.pk)}))  # fmt: skip
