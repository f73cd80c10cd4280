"""My work lives at /me/, a namespace of its own, so the navigation marks it apart from the playbook."""

from django.urls import path

from rapport.playbooks import views

app_name = "me"
urlpatterns = [path("", views.my_work_view, name="my_work")]
