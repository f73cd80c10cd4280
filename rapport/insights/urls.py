from django.urls import path

from rapport.insights.views import lifecycle, segments, value

app_name = "insights"
urlpatterns = [
    path("portfolio/", value.portfolio_view, name="portfolio"),
    path("recompute/", value.recompute_view, name="recompute"),
    path("runs/<int:pk>/", value.run_status_view, name="run_status"),
    path("settings/", value.settings_view, name="settings"),
    path("panel/person/<int:pk>/", value.person_value_panel, name="person_value_panel"),
    path(
        "panel/organization/<int:pk>/",
        value.organization_value_panel,
        name="organization_value_panel",
    ),
    path(
        "panel/person/<int:pk>/lifecycle/",
        lifecycle.person_lifecycle_panel,
        name="person_lifecycle_panel",
    ),
    path(
        "lifecycle/<int:pk>/override/", lifecycle.lifecycle_override_view, name="lifecycle_override"
    ),
    path("flags/<str:entity>/<int:pk>/", value.flag_set_view, name="flag_set"),
    path("segments/", segments.segment_list_view, name="segment_list"),
    path("segments/new/", segments.segment_builder_view, name="segment_create"),
    path("segments/<int:pk>/", segments.segment_builder_view, name="segment_edit"),
    path("segments/<int:pk>/delete/", segments.segment_delete_view, name="segment_delete"),
]
