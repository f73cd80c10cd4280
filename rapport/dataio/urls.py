from django.urls import path

from rapport.dataio.views import exports, gdpr, imports, quality

app_name = "dataio"
urlpatterns = [
    path("", imports.hub_view, name="hub"),
    path("imports/upload/", imports.upload_view, name="upload"),
    path("imports/<int:pk>/", imports.import_detail_view, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress_view, name="import_progress"),
    path("imports/<int:pk>/issues.csv", imports.import_errors_view, name="import_errors"),
    path("export/<str:entity>.<str:fmt>", exports.export_view, name="export"),
    path("quality/", quality.quality_view, name="quality"),
    path("people/<int:pk>/gdpr/", gdpr.gdpr_panel_view, name="gdpr_panel"),
    path("people/<int:pk>/gdpr/export/", gdpr.gdpr_export_view, name="gdpr_export"),
    path("people/<int:pk>/gdpr/erase/", gdpr.erase_view, name="erase"),
]
