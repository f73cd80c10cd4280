from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "rapport.playbooks"
    label = "playbooks"

    def ready(self) -> None:
        from rapport.playbooks.indicators import register as register_indicators

        register_indicators()
        from rapport.core.extensions import register_nav

        register_nav(label="Playbook", url_name="playbooks:playbook", order=5, managers_only=True)
        register_nav(label="My work", url_name="me:my_work", order=4)
