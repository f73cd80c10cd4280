from django.apps import AppConfig


class DedupeConfig(AppConfig):
    name = "rapport.dedupe"
    label = "dedupe"

    def ready(self) -> None:
        from rapport.dedupe.indicators import register as register_indicators

        register_indicators()
        from rapport.core.extensions import register_nav, register_panel

        register_nav(label="Duplicates", url_name="dedupe:review", order=35, active_prefix="dedupe")
        register_panel(entity="person", url_name="dedupe:person_panel", column="top", order=10,
                       dom_id="duplicates-panel")  # fmt: skip
        register_panel(entity="organization", url_name="dedupe:organization_panel", column="top",
                       order=10, dom_id="duplicates-panel")  # fmt: skip
        from rapport.dedupe import subscribers, tasks  # noqa: F401 -- tasks registers the jobs with huey

        subscribers.connect()
        from rapport.core.erasure import register_alias_finder, register_person_eraser
        from rapport.dedupe.erasure import erase_from_duplicate_check, merged_into

        register_alias_finder(merged_into)
        register_person_eraser(erase_from_duplicate_check)
