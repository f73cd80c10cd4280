"""``{{ scores.* }}`` merge fields: a person's latest customer-value scores, in words.

The values come from the Differentiate app (``rapport.insights``): the latest
``CustomerScore`` of the person and their strategic flags. Someone not scored yet gets
"" for every field, so ``{{ scores.tier|default:"new" }}`` works.

A campaign renders thousands of people: ``with_scores`` preloads what these getters
read in two queries per batch. Without it the getters fetch one person's scores on
first use (a single e-mail, a preview) and keep them on the instance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet

from rapport.insights.models import CustomerScore, StrategicFlag

LATEST_SCORES = "merge_latest_scores"
FLAGS = "merge_strategic_flags"

# Conventional RFM segment names from the recency (R) and frequency (F) scores, 1–5.
# Checked in order; the first match wins, and together they cover all 25 cells.
RFM_SEGMENTS: tuple[tuple[str, frozenset[int], frozenset[int]], ...] = (
    ("Champions", frozenset({5}), frozenset({4, 5})),
    ("Loyal customers", frozenset({3, 4}), frozenset({4, 5})),
    ("Potential loyalists", frozenset({4, 5}), frozenset({2, 3})),
    ("New customers", frozenset({5}), frozenset({1})),
    ("Promising", frozenset({4}), frozenset({1})),
    ("Needs attention", frozenset({3}), frozenset({3})),
    ("About to sleep", frozenset({3}), frozenset({1, 2})),
    ("Cannot lose them", frozenset({1, 2}), frozenset({5})),
    ("At risk", frozenset({1, 2}), frozenset({3, 4})),
    ("Hibernating", frozenset({1, 2}), frozenset({1, 2})),
)


def with_scores(qs: QuerySet[Any]) -> QuerySet[Any]:
    """People with their latest score (and its run) and strategic flags preloaded."""
    return qs.prefetch_related(
        Prefetch(
            "customer_scores",
            queryset=CustomerScore.objects.filter(is_latest=True).select_related("run"),
            to_attr=LATEST_SCORES,
        ),
        Prefetch("strategic_flags", queryset=StrategicFlag.objects.all(), to_attr=FLAGS),
    )


def latest_score(person: Any) -> CustomerScore | None:
    if not hasattr(person, LATEST_SCORES):
        rows: list[CustomerScore] = []
        if getattr(person, "pk", None) is not None:
            rows = list(
                CustomerScore.objects.filter(person_id=person.pk, is_latest=True).select_related(
                    "run"
                )[:1]
            )
        setattr(person, LATEST_SCORES, rows)
    scores: list[CustomerScore] = getattr(person, LATEST_SCORES)
    return scores[0] if scores else None


def strategic_flags(person: Any) -> list[StrategicFlag]:
    if not hasattr(person, FLAGS):
        flags: list[StrategicFlag] = []
        if getattr(person, "pk", None) is not None:
            flags = list(StrategicFlag.objects.filter(person_id=person.pk))
        setattr(person, FLAGS, flags)
    return sorted(getattr(person, FLAGS), key=lambda flag: flag.kind)


def rfm_segment(recency: int, frequency: int) -> str:
    for name, r_scores, f_scores in RFM_SEGMENTS:
        if recency in r_scores and frequency in f_scores:
            return name
    return ""


def money(value: float) -> str:
    return f"{value:,.2f}"


def percent(probability: float) -> str:
    return f"{probability:.0%}"


def _score(describe: Callable[[CustomerScore], str]) -> Callable[[Any], str]:
    def get(person: Any) -> str:
        score = latest_score(person)
        return describe(score) if score is not None else ""

    return get


def _flags(person: Any) -> str:
    return ", ".join(flag.short_label for flag in strategic_flags(person))


SCORE_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "scores.clv": (
        "Predicted customer lifetime value, e.g. 1,234.50",
        _score(lambda s: money(s.predicted_value)),
    ),
    "scores.historical_value": (
        "Spent so far, e.g. 860.00",
        _score(lambda s: money(s.historical_value)),
    ),
    "scores.currency": ("Currency of those values, e.g. EUR", _score(lambda s: s.run.currency)),
    "scores.p_alive": (
        "Chance the customer is still active, e.g. 87%",
        _score(lambda s: percent(s.p_alive)),
    ),
    "scores.expected_purchases": (
        "Purchases expected over the model's horizon, e.g. 2.4",
        _score(lambda s: f"{s.expected_purchases:.1f}"),
    ),
    "scores.tier": ("Value tier (A, B or C)", _score(lambda s: s.tier)),
    "scores.rfm": (
        "RFM score: recency, frequency, monetary, 1–5 each, e.g. 543",
        _score(lambda s: f"{s.r_score}{s.f_score}{s.m_score}"),
    ),
    "scores.rfm_segment": (
        "RFM segment, e.g. Champions, Loyal customers, At risk",
        _score(lambda s: rfm_segment(s.r_score, s.f_score)),
    ),
    "scores.high_value": (
        "In the top 20% by predicted value (Yes or No)",
        _score(lambda s: "Yes" if s.high_value else "No"),
    ),
    "scores.last_order_on": (
        "Date of the last purchase, e.g. 2025-03-14",
        _score(lambda s: s.last_order_on.isoformat()),
    ),
    "scores.flags": ("Strategic flags, e.g. Benchmark, Inspiration", _flags),
}
