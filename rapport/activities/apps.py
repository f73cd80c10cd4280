from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "rapport.activities"
    label = "activities"

    def ready(self) -> None:
        from rapport.activities.indicators import register as register_indicators

        register_indicators()
        from rapport.activities.timeline_sources import register_builtin_sources
        from rapport.core.extensions import register_nav, register_panel, register_topbar

        register_builtin_sources()
        register_nav(
            label="Tasks", url_name="activities:task_list", order=50, active_prefix="activities"
        )
        for entity in ("person", "organization"):
            register_panel(entity=entity, url_name=f"activities:{entity}_timeline", column="main",
                           order=10, dom_id="timeline")  # fmt: skip
        register_topbar(template="activities/_bell.html", order=10)
        from rapport.activities import erasure
        from rapport.core.erasure import register_person_eraser

        for eraser in (erasure.erase_activities, erasure.erase_tasks, erasure.erase_notifications):
            register_person_eraser(eraser)
