from django.urls import path

from rapport.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list_view, name="list"),
    path("current-state/", views.current_state_view, name="current_state"),
    path("choose-model/", views.model_chooser_view, name="choose_model"),
    path("choose-model/use/", views.model_use_view, name="use_model"),
    path("<int:pk>/", views.assessment_detail_view, name="detail"),
    path("<int:pk>/answer/", views.assessment_answer_view, name="answer"),
    path("<int:pk>/close/", views.assessment_close_view, name="close"),
]
