"""Insights routes: portfolio, recompute, value panels, strategic flags, segments, settings,
a person's lifecycle (seen by those who see the person, set by hand by those who edit them).

The world's segment is rick's private one: only rick and the admin may use it.
Recompute is for managers and admins; the model settings for the admin.
"""

from __future__ import annotations

from typing import Any

from rapport.insights.models import LifecycleTransition, ModelRun, Segment, StrategicFlag
from tests.rapport.security.matrix import ADMIN, EDITS_RECORD, EVERYONE, SEES_RECORD, Case, World

RECOMPUTERS = {"admin", "manager"}
SEGMENT_OWNER = {"admin", "rep"}


def extend_world(world: World) -> None:
    world.extra["segment"] = Segment.objects.create(
        name="Rick's VIPs", owner=world.users["rep"], definition=[
            {"field": "tag", "op": "eq", "value": "vip"}],
    )  # fmt: skip
    world.extra["run"] = ModelRun.objects.create(status="failed", message="No orders")


def _segment(w: World) -> dict[str, Any]:
    return {"pk": w.extra["segment"].pk}


def _segment_gone(w: World) -> bool:
    return not Segment.objects.filter(pk=w.extra["segment"].pk).exists()


def _stage_set(w: World) -> bool:
    return LifecycleTransition.objects.filter(person=w.person, source="manual").exists()


def _flagged(w: World) -> bool:
    return StrategicFlag.objects.filter(person=w.person).exists()


PAGES: dict[str, list[Case]] = {
    "insights:portfolio": [Case("GET", frozenset(EVERYONE))],
    "insights:recompute": [Case("POST", frozenset(RECOMPUTERS))],
    "insights:run_status": [
        Case("GET", frozenset(EVERYONE), kwargs=lambda w: {"pk": w.extra["run"].pk})
    ],
    "insights:settings": [
        Case("GET", frozenset(ADMIN)),
        Case("POST", frozenset(ADMIN), data=lambda w: {"purchase_model": "auto"}),
    ],
    "insights:person_value_panel": [
        Case("GET", frozenset(SEES_RECORD), kwargs=lambda w: {"pk": w.person.pk})
    ],
    "insights:organization_value_panel": [
        Case("GET", frozenset(SEES_RECORD), kwargs=lambda w: {"pk": w.org.pk})
    ],
    "insights:flag_set": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            kwargs=lambda w: {"entity": "person", "pk": w.person.pk},
            data=lambda w: {"kind": "benchmark", "reason": "Others copy them"},
            effect=_flagged,
        )
    ],
    "insights:person_lifecycle_panel": [
        Case("GET", frozenset(SEES_RECORD), kwargs=lambda w: {"pk": w.person.pk})
    ],
    "insights:lifecycle_override": [
        Case(
            "POST",
            frozenset(EDITS_RECORD),
            kwargs=lambda w: {"pk": w.person.pk},
            data=lambda w: {"stage": "lapsed", "reason": "They closed the shop"},
            effect=_stage_set,
        )
    ],
    "insights:segment_list": [Case("GET", frozenset(EVERYONE))],
    "insights:segment_create": [
        Case("GET", frozenset(EVERYONE)),
        Case(
            "POST",
            frozenset(EVERYONE),
            data=lambda w: {
                "name": "Mine",
                "entity": "person",
                "field": ["tag"],
                "op": ["eq"],
                "value": ["vip"],
                "save": "1",
            },
        ),
    ],
    "insights:segment_edit": [
        Case("GET", frozenset(SEGMENT_OWNER), kwargs=_segment),
        Case(
            "POST",
            frozenset(SEGMENT_OWNER),
            kwargs=_segment,
            data=lambda w: {
                "name": "Renamed",
                "field": ["tag"],
                "op": ["eq"],
                "value": ["x"],
                "save": "1",
            },
        ),
    ],
    "insights:segment_delete": [
        Case("POST", frozenset(SEGMENT_OWNER), kwargs=_segment, effect=_segment_gone)
    ],
}

API: dict[tuple[str, str], Case] = {
    ("GET", "/segments"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/segments"): Case(
        "POST", frozenset(EVERYONE), data=lambda w: {"name": "Api", "definition": []}
    ),
    ("GET", "/segments/{segment_id}"): Case("GET", frozenset(SEGMENT_OWNER)),
    ("PATCH", "/segments/{segment_id}"): Case(
        "PATCH", frozenset(SEGMENT_OWNER), data=lambda w: {"name": "Renamed"}
    ),
    ("DELETE", "/segments/{segment_id}"): Case(
        "DELETE", frozenset(SEGMENT_OWNER), effect=_segment_gone
    ),
    ("GET", "/segments/{segment_id}/members"): Case("GET", frozenset(SEGMENT_OWNER)),
    ("GET", "/insights/runs"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/insights/recompute"): Case("POST", frozenset(RECOMPUTERS)),
    ("GET", "/people/{person_id}/lifecycle"): Case("GET", frozenset(SEES_RECORD)),
    ("POST", "/people/{person_id}/lifecycle/override"): Case(
        "POST",
        frozenset(EDITS_RECORD),
        data=lambda w: {"stage": "lapsed", "reason": "They closed the shop"},
        effect=_stage_set,
    ),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {"segment_id": world.extra["segment"].pk}
