"""“What to do next”: the weakest indicators on the page, each with the action that moves it.

Weakest, in this order: an indicator whose objective is off track, then at risk;
then the share indicators furthest from their best (1 − value when higher is better,
the value itself when lower is), ignoring those already within 5 points of it.
Counts, days and amounts have no "best", so they are only picked through an objective.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from rapport.playbooks.annotations import Annotation
from rapport.playbooks.selectors import IndicatorState, Playbook

GOOD_ENOUGH = 0.05
# Where to act on an indicator that has no people list of its own.
ACTION_PAGES = {
    "identify.duplicate_rate": ("Review the duplicate queue", "dedupe:review"),
    "differentiate.scored_share": ("Recompute customer value", "insights:portfolio"),
    "differentiate.tier_a_at_risk_share": (
        "Open the at-risk segment builder",
        "insights:segment_list",
    ),
    "interact.email_reply_rate": ("Plan a campaign", "campaigns:campaign_list"),
    "interact.overdue_tasks": ("Clear overdue tasks", "activities:task_list"),
    "customers.penetration_share": (
        "Target second orders with a campaign",
        "campaigns:campaign_list",
    ),
    "customers.retention_rate": ("Segment lapsing customers", "insights:segment_list"),
    "customers.won_back": ("Win back lapsed customers with a campaign", "campaigns:campaign_list"),
}


@dataclass(frozen=True)
class NextAction:
    state: IndicatorState
    step_name: str
    reason: str
    label: str
    url: str


def _shortfall(state: IndicatorState) -> float | None:
    if state.indicator.unit != "share" or state.value is None:
        return None
    gap = 1 - state.value if state.indicator.better == "higher" else state.value
    return gap if gap > GOOD_ENOUGH else None


def _action(state: IndicatorState, scope_value: str) -> tuple[str, str]:
    """The page made for acting on it, else the people behind the number (ready for a bulk action)."""
    key = state.indicator.key
    if key in ACTION_PAGES:
        label, url_name = ACTION_PAGES[key]
        return label, reverse(url_name)
    if state.indicator.drilldown is not None:
        query = urlencode({"indicator": key, "scope": scope_value})
        return (f"Open {state.indicator.drilldown_label.lower() or 'the people behind it'}",
                f"{reverse('people:person_list')}?{query}")  # fmt: skip
    return "See its definition", reverse("playbooks:playbook")


def next_actions(
    playbook: Playbook,
    annotations: dict[str, list[Annotation]],
    scope_value: str,
    *,
    limit: int = 3,
) -> list[NextAction]:
    ranked: list[tuple[tuple[int, float], NextAction]] = []
    seen: set[str] = set()
    for step in [*playbook.steps, *playbook.supporting]:
        for state in step.indicators:
            key = state.indicator.key
            if key in seen:
                continue
            seen.add(key)
            notes = annotations.get(key, [])
            off = [n for n in notes if n.status == "off_track"]
            risky = [n for n in notes if n.status == "at_risk"]
            shortfall = _shortfall(state)
            if off:
                rank, reason = (0, 0.0), f"{off[0].label} is off track."
            elif risky:
                rank, reason = (1, 0.0), f"{risky[0].label} is at risk."
            elif shortfall is not None:
                rank, reason = (2, -shortfall), f"{shortfall:.0%} short of the best."
            else:
                continue
            label, url = _action(state, scope_value)
            ranked.append((rank, NextAction(state, step.step.name, reason, label, url)))
    ranked.sort(key=lambda item: item[0])
    return [action for _, action in ranked[:limit]]
