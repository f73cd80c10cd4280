from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "rapport.dataio"
    label = "dataio"
    verbose_name = "Import, export and data quality"

    def ready(self) -> None:
        from rapport.core.extensions import register_nav, register_panel

        register_nav(label="Data", url_name="dataio:hub", order=80, active_prefix="dataio")
        register_panel(entity="person", url_name="dataio:gdpr_panel", column="side", order=90,
                       dom_id="gdpr-panel")  # fmt: skip
        from rapport.core.erasure import register_person_eraser
        from rapport.dataio.retention import erase_from_imports

        register_person_eraser(erase_from_imports)
