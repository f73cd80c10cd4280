from django.urls import URLPattern

app_name = "dataio"
urlpatterns: list[URLPattern] = []
