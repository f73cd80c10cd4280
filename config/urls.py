from django.urls import include, path

from config.api import api
from rapport.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("rapport.accounts.urls")),
    path("api/v1/", api.urls),
    path("import-export/", include("rapport.dataio.urls")),
    path("duplicates/", include("rapport.dedupe.urls")),
    path("sales/", include("rapport.sales.urls")),
    path("insights/", include("rapport.insights.urls")),
    path("activities/", include("rapport.activities.urls")),
    path("campaigns/", include("rapport.campaigns.urls")),
    path("assessments/", include("rapport.assessments.urls")),
    path("playbooks/", include("rapport.playbooks.urls")),
    path("me/", include("rapport.playbooks.my_work_urls")),
    path("objectives/", include("rapport.objectives.urls")),
    path("", include("rapport.people.urls")),
]
