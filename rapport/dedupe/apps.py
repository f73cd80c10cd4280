from django.apps import AppConfig


class DedupeConfig(AppConfig):
    name = "rapport.dedupe"
    label = "dedupe"
