"""Objective status from snapshots, on series small enough to work out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rapport_analytics.objectives import Point, objective_progress

START = date(2026, 1, 1)
DEADLINE = date(2026, 1, 1) + timedelta(days=100)


def run(
    points: list[tuple[int, float]], *, today: int, higher: bool = True, baseline=50.0, target=60.0
):
    return objective_progress(
        baseline=baseline,
        target=target,
        start=START,
        deadline=DEADLINE,
        points=[Point(START + timedelta(days=d), v) for d, v in points],
        higher_is_better=higher,
        today=START + timedelta(days=today),
    )


def test_on_the_straight_path_is_on_track():
    # Day 50 of 100: the path expects half of the 10 points, 55; the value is 55.
    result = run([(50, 55.0)], today=50)
    assert result.status == "on_track"
    assert result.progress == pytest.approx(0.5)
    assert result.expected == pytest.approx(0.5)
    assert result.projected is None  # one point is no trend


def test_far_behind_the_path_with_a_flat_trend_is_off_track():
    # Day 60: the path expects 0.6; the value is 51, progress 0.1, 0.5 behind (> 0.20).
    # The trend through (20, 51), (40, 51), (60, 51) is flat: 51 at the deadline, short of 60.
    result = run([(20, 51.0), (40, 51.0), (60, 51.0)], today=60)
    assert result.progress == pytest.approx(0.1)
    assert result.projected == pytest.approx(51.0)
    assert result.status == "off_track"


def test_a_little_behind_is_at_risk():
    # Day 60: expected 0.6, value 54 → progress 0.4: 0.2 behind is not more than 0.20,
    # and the trend (10, 51), (30, 52), (60, 54) projects about 56.6 at day 100, short of 60.
    result = run([(10, 51.0), (30, 52.0), (60, 54.0)], today=60)
    assert result.progress == pytest.approx(0.4)
    assert result.projected < 60
    assert result.status == "at_risk"


def test_behind_the_path_but_a_steep_trend_is_on_track():
    # A late start: (50, 50), (55, 52.5), (60, 55). Progress 0.5 against 0.6 expected
    # (0.1 behind: at risk by the path alone), but the line through them rises 0.5 a day
    # and reaches 55 + 0.5 × 40 = 75 by day 100.
    result = run([(50, 50.0), (55, 52.5), (60, 55.0)], today=60)
    assert result.progress == pytest.approx(0.5)
    assert result.projected == pytest.approx(75.0)
    assert result.status == "on_track"


def test_reaching_the_target_is_achieved_even_after_the_deadline():
    assert run([(30, 61.0)], today=30).status == "achieved"
    assert run([(30, 61.0)], today=120).status == "achieved"


def test_past_the_deadline_short_of_the_target_is_missed():
    assert run([(90, 58.0)], today=101).status == "missed"


def test_lower_is_better():
    # Churn from 20 % to 10 %: at day 50 it is 15 %, half way: on track; 12 % would be achieved at 10.
    result = run([(50, 15.0)], today=50, higher=False, baseline=20.0, target=10.0)
    assert result.progress == pytest.approx(0.5)
    assert result.status == "on_track"
    assert run([(50, 9.0)], today=50, higher=False, baseline=20.0, target=10.0).status == "achieved"


def test_snapshots_outside_the_objective_are_ignored():
    # A snapshot before the start and one after today do not count: latest is day 50's.
    result = run([(-10, 90.0), (50, 55.0), (70, 70.0)], today=50)
    assert result.latest == 55.0


def test_no_snapshot_yet_reads_the_baseline():
    result = run([], today=0)
    assert result.latest == 50.0
    assert result.status == "on_track"


def test_a_deadline_before_the_start_is_refused():
    with pytest.raises(ValueError, match="deadline"):
        objective_progress(
            baseline=1,
            target=2,
            start=START,
            deadline=START,
            points=[],
            higher_is_better=True,
            today=START,
        )
