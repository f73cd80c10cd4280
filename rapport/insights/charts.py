"""Small server-rendered SVG charts: no JavaScript chart library, nothing from a CDN.

Every chart carries a <title> and an aria-label so a screen reader gets the gist,
and the numbers are also on the page as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ACCENT = "#3559e0"
MUTED = "#9aa4b2"
WARN = "#d97706"
LINE = "#e3e7ee"


def _svg(width: int, height: int, label: str, body: str, css_class: str) -> SafeString:
    text = escape(label)
    return mark_safe(  # noqa: S308 - every interpolated text is escaped, the rest are numbers
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{text}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{text}</title>{body}</svg>"
    )


def _points(xs: Sequence[float], ys: Sequence[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def sparkline(values: Sequence[float], *, label: str, width: int = 140, height: int = 32,
              top: float = 1.0) -> SafeString:  # fmt: skip
    """A line over runs, oldest first, on a fixed 0…``top`` scale (p_alive: 0…1)."""
    if not values:
        return mark_safe("")
    pad = 3
    n = len(values)
    xs = [pad + (width - 2 * pad) * (i / max(n - 1, 1)) for i in range(n)]
    ys = [height - pad - (height - 2 * pad) * min(max(v / top, 0.0), 1.0) for v in values]
    body = (
        f'<line x1="0" y1="{height - pad}" x2="{width}" y2="{height - pad}" stroke="{LINE}"/>'
        f'<polyline fill="none" stroke="{ACCENT}" stroke-width="2" points="{_points(xs, ys)}"/>'
        f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="3" fill="{ACCENT}"/>'
    )
    return _svg(width, height, label, body, "sparkline")


def _frame(width: int, height: int, left: int, bottom: int, x_label: str, y_label: str) -> str:
    return (
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" '
        f'stroke="{MUTED}"/><line x1="{left}" y1="8" x2="{left}" y2="{height - bottom}" '
        f'stroke="{MUTED}"/>'
        f'<text x="{(left + width) / 2:.0f}" y="{height - 4}" font-size="11" text-anchor="middle" '
        f'fill="#5f6b7a">{escape(x_label)}</text>'
        f'<text x="12" y="{(height - bottom) / 2:.0f}" font-size="11" text-anchor="middle" '
        f'fill="#5f6b7a" transform="rotate(-90 12 {(height - bottom) / 2:.0f})">{escape(y_label)}</text>'
    )


def lorenz_chart(customer_share: Any, value_share: Any, *, gini: float,
                 top20_share: float) -> SafeString:  # fmt: skip
    """Pareto view of the Lorenz curve: customers from most to least valuable."""
    width, height, left, bottom = 360, 260, 40, 30
    plot_w, plot_h = width - left - 8, height - bottom - 8
    # Top-first cumulative share: 1 − L(1 − p).
    p = np.asarray(customer_share, dtype=float)
    v = np.asarray(value_share, dtype=float)
    top_p = 1.0 - p[::-1]
    top_v = 1.0 - v[::-1]
    if len(top_p) > 200:
        pick = np.unique(np.linspace(0, len(top_p) - 1, 200).astype(int))
        top_p, top_v = top_p[pick], top_v[pick]
    xs = [left + plot_w * x for x in top_p]
    ys = [8 + plot_h * (1 - y) for y in top_v]
    mark_x = left + plot_w * 0.2
    mark_y = 8 + plot_h * (1 - top20_share)
    body = (
        _frame(
            width,
            height,
            left,
            bottom,
            "Customers, most valuable first",
            "Share of value",
        )
        + f'<line x1="{left}" y1="{8 + plot_h}" x2="{left + plot_w}" y2="8" stroke="{LINE}" '
        f'stroke-dasharray="4 3"/>'
        f'<polyline fill="none" stroke="{ACCENT}" stroke-width="2.5" points="{_points(xs, ys)}"/>'
        f'<line x1="{mark_x:.1f}" y1="{mark_y:.1f}" x2="{mark_x:.1f}" y2="{8 + plot_h}" '
        f'stroke="{WARN}" stroke-dasharray="3 3"/>'
        f'<circle cx="{mark_x:.1f}" cy="{mark_y:.1f}" r="4" fill="{WARN}"/>'
        f'<text x="{mark_x + 6:.1f}" y="{mark_y + 14:.1f}" font-size="12" fill="#7a4a00">'
        f"Top 20%: {top20_share:.0%} of value</text>"
        f'<text x="{left + plot_w - 4}" y="{8 + plot_h - 8}" font-size="12" text-anchor="end" '
        f'fill="#5f6b7a">Gini {gini:.2f}</text>'
    )
    return _svg(width, height, f"Pareto curve: the top 20% of customers hold {top20_share:.0%} "
                f"of value; Gini coefficient {gini:.2f}.", body, "chart lorenz")  # fmt: skip


def histogram(values: Any, *, label: str, bins: int = 20) -> tuple[SafeString, float]:
    """Bars of how many customers fall in each value band (up to the 99th percentile)."""
    array = np.asarray(values, dtype=float)
    width, height, left, bottom = 360, 200, 40, 30
    if len(array) == 0:
        return mark_safe(""), 0.0
    high = float(np.quantile(array, 0.99)) or float(array.max()) or 1.0
    counts, edges = np.histogram(np.clip(array, 0, high), bins=bins, range=(0, high))
    plot_w, plot_h = width - left - 8, height - bottom - 8
    tallest = max(int(counts.max()), 1)
    bar_w = plot_w / bins
    bars = []
    for i, count in enumerate(counts.tolist()):
        h = plot_h * count / tallest
        bars.append(
            f'<rect x="{left + i * bar_w + 1:.1f}" y="{8 + plot_h - h:.1f}" width="{bar_w - 2:.1f}" '
            f'height="{h:.1f}" fill="{ACCENT}" opacity="0.8"><title>{edges[i]:,.0f}–'
            f"{edges[i + 1]:,.0f}: {count:,} customers</title></rect>"
        )
    body = _frame(width, height, left, bottom, "Predicted value", "Customers") + "".join(bars)
    body += (
        f'<text x="{left}" y="{height - 16}" font-size="10" fill="#5f6b7a">0</text>'
        f'<text x="{width - 8}" y="{height - 16}" font-size="10" text-anchor="end" '
        f'fill="#5f6b7a">{high:,.0f}+</text>'
    )
    return _svg(width, height, label, body, "chart histogram"), high


def predicted_vs_actual(buckets: Sequence[dict[str, Any]]) -> SafeString:
    """Mean holdout purchases, predicted vs actual, by calibration repeat purchases."""
    buckets = [
        {**b, "predicted": b.get("predicted") or 0.0, "actual": b.get("actual") or 0.0}
        for b in buckets
    ]
    if not buckets:
        return mark_safe("")
    width, height, left, bottom = 360, 220, 40, 30
    plot_w, plot_h = width - left - 8, height - bottom - 24
    top = max(max(b["predicted"], b["actual"]) for b in buckets) or 1.0
    group = plot_w / len(buckets)
    parts = [_frame(width, height, left, bottom, "Repeat purchases before the holdout",
                    "Purchases in holdout")]  # fmt: skip
    for i, b in enumerate(buckets):
        x = left + i * group
        for j, (key, colour) in enumerate((("predicted", ACCENT), ("actual", MUTED))):
            h = (height - bottom - 8 - 16) * b[key] / top
            parts.append(
                f'<rect x="{x + 3 + j * (group - 6) / 2:.1f}" y="{height - bottom - h:.1f}" '
                f'width="{(group - 6) / 2 - 1:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(b['label'])} before: {key} {b[key]:.2f} "
                f"({b['customers']:,} customers)</title></rect>"
            )
        parts.append(
            f'<text x="{x + group / 2:.1f}" y="{height - bottom + 12}" font-size="10" '
            f'text-anchor="middle" fill="#5f6b7a">{escape(b["label"])}</text>'
        )
    parts.append(
        f'<rect x="{left + 8}" y="6" width="10" height="10" fill="{ACCENT}"/>'
        f'<text x="{left + 22}" y="15" font-size="11">Predicted</text>'
        f'<rect x="{left + 90}" y="6" width="10" height="10" fill="{MUTED}"/>'
        f'<text x="{left + 104}" y="15" font-size="11">Actual</text>'
    )
    del plot_h
    return _svg(width, height, "Predicted against actual purchases in the holdout period, by "
                "purchase count.", "".join(parts), "chart buckets")  # fmt: skip
