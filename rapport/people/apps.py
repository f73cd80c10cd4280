from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "rapport.people"
    label = "people"

    def ready(self) -> None:
        from rapport.people.indicators import register as register_indicators

        register_indicators()
        from rapport.core.event_selectors import register_event_visibility
        from rapport.people.events import visible_organization_ids, visible_person_ids

        register_event_visibility("person", visible_person_ids)
        register_event_visibility("organization", visible_organization_ids)
