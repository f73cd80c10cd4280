"""Template filters for showing CRM values."""

from __future__ import annotations

from django import template

from rapport.people.normalize import phone_display

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    """An E.164 number in international display form (+1 415-555-0123)."""
    return phone_display(value) if value else ""
