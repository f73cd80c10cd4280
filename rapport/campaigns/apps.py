from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "rapport.campaigns"
    label = "campaigns"
