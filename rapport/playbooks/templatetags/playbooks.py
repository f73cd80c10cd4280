"""Showing an indicator: its value in its unit, and a sparkline of its snapshots."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import SafeString

from rapport.insights.charts import sparkline
from rapport.playbooks.selectors import IndicatorState

register = template.Library()


@register.filter
def in_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return f"{value:.0%}" if value in (0, 1) or abs(value) >= 0.1 else f"{value:.1%}"
    if unit == "count":
        return str(intcomma(round(value)))
    if unit == "days":
        return f"{value:.1f} days"
    if unit == "currency":
        return str(intcomma(round(value)))
    return f"{value:.2f}"


@register.simple_tag
def indicator_sparkline(state: IndicatorState) -> SafeString:
    values = [p.value for p in state.history if p.value is not None]
    if len(values) < 2:
        return SafeString("")
    top = 1.0 if state.indicator.unit in ("share", "index") else max(max(values), 1e-9)
    first, last = state.history[0].day, state.history[-1].day
    label = (
        f"{state.indicator.name} from {first} to {last}: "
        f"{in_unit(values[0], state.indicator.unit)} to {in_unit(values[-1], state.indicator.unit)}"
    )
    return sparkline(values, label=label, top=top)
