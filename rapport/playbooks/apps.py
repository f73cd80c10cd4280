from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "rapport.playbooks"
    label = "playbooks"

    def ready(self) -> None:
        from rapport.playbooks.indicators import register as register_indicators

        register_indicators()
