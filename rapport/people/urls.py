from django.urls import path

from rapport.people.views import custom_fields, lists, records, search, tags

app_name = "people"
urlpatterns = [
    path("", lists.person_list_view, name="home"),
    path("people/", lists.person_list_view, name="person_list"),
    path("people/new/", records.person_create_view, name="person_create"),
    path("people/bulk/", lists.person_bulk_view, name="person_bulk"),
    path("people/<int:pk>/", records.person_detail_view, name="person_detail"),
    path("people/<int:pk>/edit/", records.person_edit_view, name="person_edit"),
    path("people/<int:pk>/delete/", records.person_delete_view, name="person_delete"),
    path("organizations/", lists.organization_list_view, name="organization_list"),
    path("organizations/new/", records.organization_create_view, name="organization_create"),
    path("organizations/bulk/", lists.organization_bulk_view, name="organization_bulk"),
    path("organizations/<int:pk>/", records.organization_detail_view, name="organization_detail"),
    path("organizations/<int:pk>/edit/", records.organization_edit_view, name="organization_edit"),
    path(
        "organizations/<int:pk>/delete/",
        records.organization_delete_view,
        name="organization_delete",
    ),
    path("views/<str:entity>/save/", lists.saved_view_create_view, name="saved_view_create"),
    path("views/<int:pk>/delete/", lists.saved_view_delete_view, name="saved_view_delete"),
    path("search/", search.search_view, name="search"),
    path("tags/", tags.tag_options_view, name="tag_options"),
    path("settings/custom-fields/", custom_fields.custom_field_list_view, name="custom_field_list"),
    path(
        "settings/custom-fields/<int:pk>/",
        custom_fields.custom_field_edit_view,
        name="custom_field_edit",
    ),
    path(
        "settings/custom-fields/<int:pk>/delete/",
        custom_fields.custom_field_delete_view,
        name="custom_field_delete",
    ),
]
