"""Demo: score the demo customers once, so the value pages have something to show."""

from __future__ import annotations

import random
from typing import Any

from rapport.insights.models import CustomerScore, StrategicFlag, StrategicKind
from rapport.insights.recompute import insights_recompute

REASONS = {
    StrategicKind.BENCHMARK: "Other cafés in town copy their ordering pattern.",
    StrategicKind.INSPIRATION: "Their feedback shaped the new catering menu.",
    StrategicKind.COST_MAGNET: "Their weekly volume keeps the second oven busy.",
}


def seed_demo(*, rng: random.Random, people: int, stdout: Any) -> None:
    run = insights_recompute(triggered_by=None)
    if run.status != "done":
        stdout.write(f"Customer value: not computed ({run.message}).")
        return
    top = list(
        CustomerScore.objects.filter(is_latest=True, organization__isnull=False)
        .order_by("-predicted_value")
        .values_list("organization_id", flat=True)[:6]
    )
    for organization_id, kind in zip(top[::2], REASONS, strict=False):
        StrategicFlag.objects.get_or_create(
            organization_id=organization_id, kind=kind, defaults={"reason": REASONS[kind]}
        )
    stdout.write(
        f"Customer value: {run.n_customers:,} customers scored with {run.model} "
        f"in {run.duration_seconds:.1f} s."
    )
