"""How far an objective has come, and whether it will get there.

An objective moves an indicator from a *baseline* (its value on the day the
objective was set) to a *target* by a *deadline*. Two readings decide its status:

- **the straight path**: on day t the indicator "should" have covered the share
  (t − start) / (deadline − start) of the way; ``progress`` is the share it has
  actually covered, (value − baseline) / (target − baseline), which is negative
  when it went the wrong way;
- **the trend**: a least-squares line through the snapshots since the start,
  extended to the deadline (``projected``), once there are at least
  ``MIN_POINTS_FOR_TREND`` of them over at least a week.

Status, in this order:

- ``achieved``: the latest value has reached the target (in the better direction);
- ``missed``: the deadline has passed without reaching it;
- ``on_track``: progress is at least the path's share minus ``TOLERANCE``, or the
  trend reaches the target by the deadline;
- ``off_track``: progress is more than ``OFF_TRACK_GAP`` behind the path and the
  trend (if there is one) does not reach the target;
- ``at_risk``: anything in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

Status = Literal["achieved", "missed", "on_track", "at_risk", "off_track"]
TOLERANCE = 0.05
OFF_TRACK_GAP = 0.20
MIN_POINTS_FOR_TREND = 3


@dataclass(frozen=True)
class Point:
    day: date
    value: float


@dataclass(frozen=True)
class ObjectiveProgress:
    status: Status
    latest: float
    progress: float  # share of the way from baseline to target covered (may be < 0 or > 1)
    expected: float  # share the straight path expects by the latest snapshot's day
    projected: float | None  # the trend's value at the deadline, if there is a trend


def _reached(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def objective_progress(
    *,
    baseline: float,
    target: float,
    start: date,
    deadline: date,
    points: list[Point],
    higher_is_better: bool,
    today: date,
) -> ObjectiveProgress:
    """The objective's status on ``today`` from the indicator's snapshots (any order)."""
    if deadline <= start:
        raise ValueError("the deadline must be after the start")
    series = sorted((p for p in points if start <= p.day <= today), key=lambda p: p.day)
    latest_point = series[-1] if series else Point(start, baseline)
    latest = latest_point.value
    span = (deadline - start).days
    expected = min(1.0, max(0.0, (latest_point.day - start).days / span))
    distance = target - baseline
    progress = 1.0 if distance == 0 else (latest - baseline) / distance

    projected = None
    if len(series) >= MIN_POINTS_FOR_TREND and (series[-1].day - series[0].day).days >= 7:
        days = np.array([(p.day - start).days for p in series], dtype=float)
        values = np.array([p.value for p in series], dtype=float)
        slope, intercept = np.polyfit(days, values, 1)
        projected = float(slope * span + intercept)

    if _reached(latest, target, higher_is_better):
        status: Status = "achieved"
    elif today > deadline:
        status = "missed"
    else:
        trend_reaches = projected is not None and _reached(projected, target, higher_is_better)
        if progress >= expected - TOLERANCE or trend_reaches:
            status = "on_track"
        elif progress < expected - OFF_TRACK_GAP:
            status = "off_track"
        else:
            status = "at_risk"
    return ObjectiveProgress(
        status=status, latest=latest, progress=progress, expected=expected, projected=projected
    )
