"""Template helpers for the insights pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """``mapping[key]`` or None: templates cannot index by a variable."""
    return mapping.get(key) if isinstance(mapping, Mapping) else None
