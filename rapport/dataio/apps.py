from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "rapport.dataio"
    label = "dataio"
