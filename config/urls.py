from django.urls import include, path

from rapport.api.urls import api
from rapport.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("rapport.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("rapport.people.urls")),
]
