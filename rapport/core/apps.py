from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rapport.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from rapport.core.middleware import SessionTimeoutMiddleware

        user_logged_in.connect(SessionTimeoutMiddleware.signed_in, dispatch_uid="session-started")
        from rapport.core import tasks  # noqa: F401 -- registers the event dispatch with huey
