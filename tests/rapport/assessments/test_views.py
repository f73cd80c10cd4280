"""The assessment pages: start a round, answer it, see the radar and the spread; the model questionnaire."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.assessments.models import Assessment, AssessmentAnswer, ModelQuestionnaire
from rapport.playbooks.models import PlaybookSettings

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_starts_a_round_and_the_team_answers_it(workspace):
    manager = signed_in(workspace.manager)
    response = manager.post("/assessments/", {"title": "Spring 2027"})
    assessment = Assessment.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/assessments/{assessment.pk}/answer/"
    )

    rep = signed_in(workspace.rep)
    form = rep.get(f"/assessments/{assessment.pk}/answer/")
    assert form.status_code == 200
    assert "Our customer data is complete, deduplicated" in form.text
    assert "Data is scattered across spreadsheets and inboxes." in form.text  # level 1's guidance
    saved = rep.post(f"/assessments/{assessment.pk}/answer/",
                     {"score-gartner.information": "2", "note-gartner.information": "many duplicates",
                      "score-gartner.vision": "4"})  # fmt: skip
    assert saved.status_code == 302
    assert AssessmentAnswer.objects.filter(respondent=workspace.rep).count() == 2
    signed_in(workspace.rep2).post(
        f"/assessments/{assessment.pk}/answer/", {"score-gartner.information": "1"}
    )

    # The manager sees the mean, the spread and who said what; the radar is drawn
    page = manager.get(f"/assessments/{assessment.pk}/")
    assert page.status_code == 200
    assert "2 respondents" in page.text
    assert "1–2" in page.text and "rick 2" in page.text and "rita 1" in page.text
    assert 'class="radar-team"' in page.text and "weak" in page.text
    assert 'href="/duplicates/"' in page.text  # a weak score links to what addresses it
    # A rep sees the mean and their own score, not the others'
    rep_page = rep.get(f"/assessments/{assessment.pk}/")
    assert "rita 1" not in rep_page.text and "Spread" not in rep_page.text
    assert 'class="radar-mine"' in rep_page.text


def test_a_bad_score_comes_back_with_its_error_and_saves_nothing(workspace):
    assessment = Assessment.objects.create(title="Spring", created_by=workspace.manager)
    response = signed_in(workspace.rep).post(
        f"/assessments/{assessment.pk}/answer/",
        {"score-gartner.information": "9", "score-gartner.vision": "3"},
    )
    assert response.status_code == 422
    assert "Choose a score from 1 to 5." in response.text
    assert not AssessmentAnswer.objects.exists()


def test_reps_cannot_start_rounds_and_history_lists_means(workspace):
    rep = signed_in(workspace.rep)
    assert rep.post("/assessments/", {"title": "Mine"}).status_code == 403
    assessment = Assessment.objects.create(title="Autumn", created_by=workspace.manager)
    AssessmentAnswer.objects.create(assessment=assessment, respondent=workspace.rep,
                                    statement_key="gartner.metrics", score=3)  # fmt: skip
    AssessmentAnswer.objects.create(assessment=assessment, respondent=workspace.rep2,
                                    statement_key="gartner.vision", score=4)  # fmt: skip
    page = rep.get("/assessments/")
    assert page.status_code == 200 and "Autumn" in page.text
    assert "3.5 / 5" in page.text  # Gartner's mean over both answers


def test_the_questionnaire_recommends_and_an_admin_adopts_the_model(workspace):
    answers = {
        "market": "b2b",
        "customers": "small",
        "team": "org",
        "buying": "project",
        "goal": "align",
    }
    rep = signed_in(workspace.rep)
    advice = rep.post("/assessments/choose-model/", answers)
    assert advice.status_code == 200
    assert "We suggest" in advice.text and "Payne" in advice.text
    assert "An admin can make it the workspace" in advice.text
    assert ModelQuestionnaire.objects.get().recommended == "payne_frow"
    assert (
        rep.post("/assessments/choose-model/use/", {"primary_model": "payne_frow"}).status_code
        == 403
    )

    admin = signed_in(workspace.admin)
    assert "Use this model" in admin.post("/assessments/choose-model/", answers).text
    adopted = admin.post("/assessments/choose-model/use/", {"primary_model": "payne_frow"})
    assert adopted.status_code == 302
    assert PlaybookSettings.current().primary_model == "payne_frow"


def test_an_incomplete_questionnaire_names_what_is_missing(workspace):
    response = signed_in(workspace.rep).post("/assessments/choose-model/", {"market": "b2c"})
    assert response.status_code == 422
    assert response.text.count("Choose one of:") == 4
    assert not ModelQuestionnaire.objects.exists()
