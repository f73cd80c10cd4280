from django.urls import path

from rapport.objectives import views

app_name = "objectives"
urlpatterns = [
    path("", views.objective_list_view, name="list"),
    path("new/", views.objective_create_view, name="create"),
    path("<int:pk>/", views.objective_detail_view, name="detail"),
    path("<int:pk>/delete/", views.objective_delete_view, name="delete"),
]
