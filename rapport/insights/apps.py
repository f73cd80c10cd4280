from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "rapport.insights"
    label = "insights"

    def ready(self) -> None:
        from rapport.insights.indicators import register as register_indicators

        register_indicators()
        from rapport.core.extensions import register_nav, register_panel

        register_nav(
            label="Portfolio", url_name="insights:portfolio", order=50, active_prefix="insights"
        )
        for entity in ("person", "organization"):
            register_panel(
                entity=entity,
                url_name=f"insights:{entity}_value_panel",
                column="side",
                order=30,
                dom_id="value-panel",
            )
        from rapport.core.erasure import register_person_eraser
        from rapport.insights.erasure import erase_flag_reasons

        register_person_eraser(erase_flag_reasons)
