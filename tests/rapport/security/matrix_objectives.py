"""Objectives routes. The world's objective is rick's, over his own records: he, his
manager and the admin see and change it; the North viewer cannot read his scope's
numbers, and sam (South) sees nothing of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rapport.objectives.models import Objective
from tests.rapport.security.matrix import EVERYONE, Case, World

SEES = {"admin", "manager", "rep"}
CONSENT = "identify.consent_known_share"


def extend_world(world: World) -> None:
    rick, today = world.users["rep"], timezone.localdate()
    world.extra["objective"] = Objective.objects.create(
        title="Matrix objective", indicator=CONSENT, scope_kind="owner", scope_id=rick.pk,
        baseline=0.0, target=0.5, start=today, deadline=today + dt.timedelta(days=30),
        owner=rick, created_by=rick,
    )  # fmt: skip


def _pk(w: World) -> dict[str, Any]:
    return {"pk": w.extra["objective"].pk}


def _gone(w: World) -> bool:
    return not Objective.objects.filter(pk=w.extra["objective"].pk).exists()


def _new_objective(w: World) -> dict[str, Any]:
    # Over the caller's own records: every writer may; the world's person is rick's, so
    # only rick's scope has a value (others get a 422 "no value yet", which is allowed).
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    return {"title": "New", "indicator": CONSENT, "scope": f"owner:{w.users['rep'].pk}",
            "target": 0.9, "deadline": deadline}  # fmt: skip


PAGES: dict[str, list[Case]] = {
    "objectives:list": [Case("GET", frozenset(EVERYONE))],
    "objectives:create": [
        Case("GET", frozenset(EVERYONE)),
        Case("POST", frozenset({"admin", "manager", "rep"}), data=_new_objective),
    ],
    "objectives:detail": [
        Case("GET", frozenset(SEES), kwargs=_pk),
        Case(
            "POST", frozenset(SEES), kwargs=_pk, data=lambda w: {"title": "Renamed", "target": "60"}
        ),
    ],
    "objectives:delete": [Case("POST", frozenset(SEES), kwargs=_pk, effect=_gone)],
}

API: dict[tuple[str, str], Case] = {
    ("GET", "/objectives"): Case("GET", frozenset(EVERYONE)),
    ("POST", "/objectives"): Case(
        "POST",
        frozenset({"admin", "manager", "rep"}),
        data=lambda w: {**_new_objective(w), "target": 0.9},
    ),
    ("GET", "/objectives/{objective_id}"): Case("GET", frozenset(SEES)),
    ("PATCH", "/objectives/{objective_id}"): Case(
        "PATCH", frozenset(SEES), data=lambda w: {"title": "Renamed"}
    ),
    ("DELETE", "/objectives/{objective_id}"): Case("DELETE", frozenset(SEES), effect=_gone),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {"objective_id": world.extra["objective"].pk}
