"""/api/v1/assessments and /api/v1/assessments/model-recommendation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_start_answer_and_read_a_round(workspace, api_as):
    manager, rep = api_as(workspace.manager), api_as(workspace.rep)
    created = manager.post(
        "/api/v1/assessments", {"title": "API round"}, content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created["Location"].endswith(f"/api/v1/assessments/{pk}")

    saved = rep.put(f"/api/v1/assessments/{pk}/answers",
                    {"scores": {"qci.customer_experience": 2, "gartner.vision": 5}},
                    content_type="application/json")  # fmt: skip
    assert saved.status_code == 200, saved.json()
    assert saved.json() == {"answered": 2}
    bad = rep.put(f"/api/v1/assessments/{pk}/answers", {"scores": {"gartner.vision": 7}},
                  content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "gartner.vision" in bad.json()["detail"]

    results = manager.get(f"/api/v1/assessments/{pk}").json()
    assert results["respondents"] == 1
    qci = next(f for f in results["frameworks"] if f["key"] == "qci")
    experience = next(s for s in qci["statements"] if s["key"] == "qci.customer_experience")
    assert (experience["mean"], experience["low"], experience["high"], experience["weak"]) == (
        2.0,
        2,
        2,
        True,
    )
    assert qci["areas"]["Customer experience"] == 2.0
    rep_view = rep.get(f"/api/v1/assessments/{pk}").json()
    gartner = next(f for f in rep_view["frameworks"] if f["key"] == "gartner")
    vision = next(s for s in gartner["statements"] if s["key"] == "gartner.vision")
    assert (vision["mine"], vision["low"]) == (5, None)  # reps do not see the spread

    closed = manager.post(f"/api/v1/assessments/{pk}/close")
    assert closed.status_code == 200 and closed.json()["closed_at"]
    late = rep.put(f"/api/v1/assessments/{pk}/answers", {"scores": {"gartner.vision": 1}},
                   content_type="application/json")  # fmt: skip
    assert late.status_code == 422


def test_statements_and_recommendation(workspace, api_as):
    rep = api_as(workspace.rep)
    statements = rep.get("/api/v1/assessments/statements").json()
    assert len(statements) == 20 and all(len(s["levels"]) == 5 for s in statements)
    advice = rep.post("/api/v1/assessments/model-recommendation",
                      {"market": "b2c", "customers": "large", "team": "solo", "buying": "repeat", "goal": "know"},
                      content_type="application/json")  # fmt: skip
    assert advice.status_code == 200
    assert advice.json()["model"] == "idic" and advice.json()["scores"]["idic"] == 9
    wrong = rep.post("/api/v1/assessments/model-recommendation",
                     {"market": "mars", "customers": "large", "team": "solo", "buying": "repeat", "goal": "know"},
                     content_type="application/json")  # fmt: skip
    assert wrong.status_code == 422 and "market" in wrong.json()["detail"]
