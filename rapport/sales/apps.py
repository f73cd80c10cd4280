from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "rapport.sales"
    label = "sales"

    def ready(self) -> None:
        from rapport.sales.indicators import register as register_indicators

        register_indicators()
        from rapport.core.extensions import register_nav, register_panel

        register_nav(label="Orders", url_name="sales:order_list", order=40, active_prefix="sales")
        for entity in ("person", "organization"):
            register_panel(
                entity=entity,
                url_name=f"sales:{entity}_orders_panel",
                column="side",
                order=40,
                dom_id="orders-panel",
            )
        _register_timeline()
        from rapport.core.erasure import register_person_eraser
        from rapport.sales.erasure import erase_order_notes

        register_person_eraser(erase_order_notes)


def _register_timeline() -> None:
    """Orders on the record timeline, when the activities app offers a source hook."""
    try:
        from rapport.activities import timeline
    except ImportError:
        return
    register = getattr(timeline, "register_timeline_source", None)
    if register is None:
        return
    from rapport.sales.timeline import register_orders_source

    register_orders_source(register)
