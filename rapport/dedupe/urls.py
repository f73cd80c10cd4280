from django.urls import path

from rapport.dedupe.views import check, merge, panels, review

PERSON = {"entity": "person"}
ORG = {"entity": "organization"}

app_name = "dedupe"
urlpatterns = [
    path("", review.review_view, name="review"),
    path("scan/", review.scan_start_view, name="scan_start"),
    path("pairs/<int:pk>/dismiss/", review.pair_dismiss_view, name="pair_dismiss"),
    # The duplicate check, its "not a duplicate" and the panel: one view for both kinds.
    path("check/person/", check.check_view, PERSON, name="person_check"),
    path("check/person/dismiss/", check.dismiss_view, PERSON, name="person_dismiss"),
    path("check/organization/", check.check_view, ORG, name="organization_check"),
    path("check/organization/dismiss/", check.dismiss_view, ORG, name="organization_dismiss"),
    path("people/<int:pk>/panel/", panels.panel_view, PERSON, name="person_panel"),
    path("organizations/<int:pk>/panel/", panels.panel_view, ORG, name="organization_panel"),
    path(
        "merge/<str:entity>/<int:survivor_id>/<int:duplicate_id>/",
        merge.merge_view,
        name="merge",
    ),
    path("merges/<int:pk>/undo/", merge.merge_undo_view, name="merge_undo"),
]
