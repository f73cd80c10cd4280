from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core.extensions import nav_items, topbar_templates


def extensions(request: HttpRequest) -> dict[str, Any]:
    """Navigation links and top-bar widgets that feature apps registered."""
    return {"extra_nav": nav_items(), "topbar_templates": topbar_templates()}
