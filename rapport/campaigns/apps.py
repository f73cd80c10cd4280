from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "rapport.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        from rapport.campaigns.indicators import register as register_indicators

        register_indicators()
        from rapport.core.extensions import register_nav, register_panel

        register_nav(label="Campaigns", url_name="campaigns:campaign_list", order=60,
                     active_prefix="campaigns")  # fmt: skip
        register_panel(entity="person", url_name="campaigns:person_email_panel", column="side",
                       order=40, dom_id="email-panel")  # fmt: skip
        from rapport.campaigns.erasure import erase_emails
        from rapport.core.erasure import register_person_eraser

        register_person_eraser(erase_emails)
