from django.urls import path

from rapport.playbooks import views

app_name = "playbooks"
urlpatterns = [
    path("", views.playbook_view, name="playbook"),
    path("settings/", views.settings_view, name="settings"),
    path("<slug:model_key>/", views.playbook_view, name="model"),
]
