"""An objective's progress from its indicator's snapshots (the engine does the arithmetic)."""

from __future__ import annotations

import datetime as dt

from rapport.core.indicators import indicator
from rapport.objectives.models import Objective
from rapport.playbooks.models import IndicatorSnapshot
from rapport_analytics.objectives import ObjectiveProgress, Point, objective_progress


def series(objective: Objective, *, today: dt.date) -> list[Point]:
    rows = IndicatorSnapshot.objects.filter(
        indicator=objective.indicator, scope_kind=objective.scope_kind, scope_id=objective.scope_id,
        day__gte=objective.start, day__lte=today, value__isnull=False,
    ).order_by("day").values_list("day", "value")  # fmt: skip
    return [Point(day, value) for day, value in rows if value is not None]


def progress_of(
    objective: Objective, *, today: dt.date, points: list[Point] | None = None
) -> ObjectiveProgress:
    found = indicator(objective.indicator)
    higher = found is None or found.better == "higher"
    return objective_progress(
        baseline=objective.baseline, target=objective.target, start=objective.start,
        deadline=objective.deadline, points=points if points is not None else series(objective, today=today),
        higher_is_better=higher, today=today,
    )  # fmt: skip
