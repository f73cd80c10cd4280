"""Which model the questionnaire recommends, with the points worked out by hand."""

from __future__ import annotations

import pytest

from rapport.assessments.chooser import MODELS, QUESTIONS, RULES, InvalidAnswers, recommend


def test_a_large_consumer_shop_gets_idic_with_its_reasons():
    # idic: b2c 2 + large 2 + solo 1 + repeat 2 + know 2 = 9; qci: large 1 + repeat 1 = 2.
    advice = recommend({"market": "b2c", "customers": "large", "team": "solo",
                        "buying": "repeat", "goal": "know"})  # fmt: skip
    assert advice.model == "idic"
    assert advice.scores == {"idic": 9, "value_chain": 0, "payne_frow": 0, "qci": 2, "gartner": 0}
    assert len(advice.reasons) == 5
    assert advice.reasons[0].startswith("IDIC suits many individual customers")


def test_a_small_b2b_project_firm_aligning_teams_gets_payne_and_frow():
    # value_chain: b2b 2 + project 2 = 4; payne_frow: b2b 1 + small 1 + org 1 + project 1
    # + align 1 = 5; gartner: org 2 + align 2 = 4.
    advice = recommend({"market": "b2b", "customers": "small", "team": "org",
                        "buying": "project", "goal": "align"})  # fmt: skip
    assert advice.scores["value_chain"] == 4
    assert advice.scores["gartner"] == 4
    assert advice.scores["payne_frow"] == 5
    assert advice.model == "payne_frow"


def test_a_tie_goes_to_the_simpler_model():
    # idic: b2c 2 + solo 1 = 3; value_chain: project 2 + keep 1 = 3;
    # payne_frow: small 1 + project 1 = 2; qci: keep 2. IDIC and the value chain tie
    # at 3: IDIC comes first in MODELS (the simpler loop), so it wins.
    advice = recommend({"market": "b2c", "customers": "small", "team": "solo",
                        "buying": "project", "goal": "keep"})  # fmt: skip
    assert advice.scores == {"idic": 3, "value_chain": 3, "payne_frow": 2, "qci": 2, "gartner": 0}
    assert advice.model == "idic"


def test_missing_or_unknown_answers_are_named():
    with pytest.raises(InvalidAnswers) as caught:
        recommend({"market": "b2c", "customers": "huge"})
    assert set(caught.value.errors) == {"customers", "team", "buying", "goal"}
    assert "small" in caught.value.errors["customers"]


def test_every_rule_names_a_real_question_answer_and_model():
    for (question, answer), effects in RULES.items():
        assert answer in QUESTIONS[question][1]
        assert all(model in MODELS and points > 0 and reason for model, points, reason in effects)
    # and every answer moves at least one model
    assert {(q, a) for q, (_, choices) in QUESTIONS.items() for a in choices} == set(RULES)
