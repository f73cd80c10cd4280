"""Settings of the event-dispatch crash test's processes: Rapport's, plus its slow consumer."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.rapport.core.crash_app"]
