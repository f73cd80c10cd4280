from django.urls import path

from rapport.dedupe.views import check, merge, panels, review

app_name = "dedupe"
urlpatterns = [
    path("", review.review_view, name="review"),
    path("scan/", review.scan_start_view, name="scan_start"),
    path("pairs/<int:pk>/dismiss/", review.pair_dismiss_view, name="pair_dismiss"),
    path("check/person/", check.person_check_view, name="person_check"),
    path("check/person/dismiss/", check.person_dismiss_view, name="person_dismiss"),
    path("check/organization/", check.organization_check_view, name="organization_check"),
    path(
        "check/organization/dismiss/",
        check.organization_dismiss_view,
        name="organization_dismiss",
    ),
    path("people/<int:pk>/panel/", panels.person_panel_view, name="person_panel"),
    path(
        "organizations/<int:pk>/panel/", panels.organization_panel_view, name="organization_panel"
    ),
    path(
        "merge/<str:entity>/<int:survivor_id>/<int:duplicate_id>/",
        merge.merge_view,
        name="merge",
    ),
    path("merges/<int:pk>/undo/", merge.merge_undo_view, name="merge_undo"),
]
