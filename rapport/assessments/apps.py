from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """The maturity self-assessment and the questionnaire that recommends a CRM model."""

    name = "rapport.assessments"
    label = "assessments"
