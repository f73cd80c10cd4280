"""Answering a round and reading its results: means, spread for managers, the radar."""

from __future__ import annotations

import pytest

from rapport.assessments.models import AssessmentAnswer
from rapport.assessments.selectors import assessment_results, radar
from rapport.assessments.services import assessment_answer, assessment_close, assessment_create
from rapport.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db
INFO = "gartner.information"
VISION = "gartner.vision"


def _statement(results, key):
    for framework in results.frameworks:
        for area in framework.areas:
            for s in area.statements:
                if s.statement.key == key:
                    return s, area
    raise AssertionError(key)


def test_only_managers_and_admins_start_and_close_rounds(workspace):
    with pytest.raises(PermissionDenied):
        assessment_create(actor=workspace.rep, title="Spring")
    with pytest.raises(ValidationFailed):
        assessment_create(actor=workspace.manager, title="   ")
    round_ = assessment_create(actor=workspace.manager, title="Spring")
    with pytest.raises(PermissionDenied):
        assessment_close(actor=workspace.rep, assessment=round_)
    assessment_close(actor=workspace.admin, assessment=round_)
    round_.refresh_from_db()
    assert not round_.is_open


def test_scores_are_checked_and_a_second_answer_replaces_the_first(workspace):
    round_ = assessment_create(actor=workspace.manager, title="Spring")
    with pytest.raises(ValidationFailed) as caught:
        assessment_answer(actor=workspace.rep, assessment=round_,
                          scores={INFO: "6", VISION: "two", "nope.key": 3, "gartner.metrics": True})  # fmt: skip
    assert set(caught.value.detail) == {INFO, VISION, "nope.key", "gartner.metrics"}
    assert not AssessmentAnswer.objects.exists()  # nothing half-saved
    assert (
        assessment_answer(actor=workspace.rep, assessment=round_, scores={INFO: "2", VISION: ""})
        == 1
    )
    assert assessment_answer(actor=workspace.rep, assessment=round_, scores={INFO: 4},
                             notes={INFO: "dedupe weekly now"}) == 1  # fmt: skip
    answer = AssessmentAnswer.objects.get()
    assert (answer.score, answer.note) == (4, "dedupe weekly now")


def test_viewers_cannot_answer_and_closed_rounds_take_no_answers(workspace):
    round_ = assessment_create(actor=workspace.manager, title="Spring")
    with pytest.raises(PermissionDenied):
        assessment_answer(actor=workspace.viewer, assessment=round_, scores={INFO: 3})
    assessment_close(actor=workspace.manager, assessment=round_)
    with pytest.raises(ValidationFailed, match="closed"):
        assessment_answer(actor=workspace.rep, assessment=round_, scores={INFO: 3})


def test_results_mean_spread_and_own_score(workspace):
    round_ = assessment_create(actor=workspace.manager, title="Spring")
    # information: rick 1, rita 2, mona 4 → mean 7/3 ≈ 2.33 (weak: under 3), spread 1–4
    # vision: rick 5, rita 3 → mean 4
    assessment_answer(actor=workspace.rep, assessment=round_, scores={INFO: 1, VISION: 5})
    assessment_answer(actor=workspace.rep2, assessment=round_, scores={INFO: 2, VISION: 3})
    assessment_answer(actor=workspace.manager, assessment=round_, scores={INFO: 4})

    as_manager = assessment_results(user=workspace.manager, assessment=round_)
    assert as_manager.respondents == 3 and as_manager.shows_spread
    info, info_area = _statement(as_manager, INFO)
    assert info.count == 3 and info.mean == pytest.approx(7 / 3)
    assert (info.low, info.high, info.mine) == (1, 4, 4)
    assert info.scores == [("mona", 4), ("rick", 1), ("rita", 2)]
    assert info.weak and info_area.weak
    assert [link.url for link in info.links] == ["/import-export/quality/", "/duplicates/",
                                                 "/import-export/"]  # fmt: skip
    vision, _ = _statement(as_manager, VISION)
    assert vision.mean == pytest.approx(4.0) and not vision.weak

    as_rep = assessment_results(user=workspace.rep, assessment=round_)
    info_rep, _ = _statement(as_rep, INFO)
    assert info_rep.mean == pytest.approx(7 / 3) and info_rep.mine == 1
    assert (info_rep.low, info_rep.high, info_rep.scores) == (None, None, [])  # no spread for reps


def test_the_radar_puts_each_area_on_its_axis():
    # Four areas, 300 px: centre 150, radius 90 (score 5). Axes clockwise from the top.
    shape = radar([("A", 5.0, None), ("B", 2.5, None), ("C", None, None), ("D", 0.0, None)])
    assert shape.centre == 150
    assert [(a.x, a.y) for a in shape.axes] == [
        (150.0, 60.0),
        (240.0, 150.0),
        (150.0, 240.0),
        (60.0, 150.0),
    ]
    # A at the rim on top, B half way to the right, C unanswered and D zero at the centre
    assert shape.team == "150.0,60.0 195.0,150.0 150.0,150.0 150.0,150.0"
    assert shape.mine == ""  # no score of one's own: no polygon
    assert shape.rings[4] == "150.0,60.0 240.0,150.0 150.0,240.0 60.0,150.0"
