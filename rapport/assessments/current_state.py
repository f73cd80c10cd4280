"""Map the current state: what data exists and what is missing, which touchpoints are
recorded, where teams are not aligned, how clean the data is — over what the viewer sees.

One page of aggregate queries (each scans the visible people or the last 90 days of
timeline links once); kept two minutes per visibility rule like the quality report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from rapport.accounts.access import read_scope, visible_to
from rapport.accounts.models import User
from rapport.activities.models import ActivityKind, ActivityLink
from rapport.core.indicators import Scope, indicator
from rapport.dataio.quality import QualityReport, quality_report
from rapport.people.models import Person
from rapport.sales.models import Order

TOUCH_DAYS = 90
CACHE_SECONDS = 120


@dataclass(frozen=True)
class Channel:
    label: str
    links: int  # entries on timelines in the last TOUCH_DAYS days
    people: int  # distinct people they concern
    links_all_time: int


@dataclass(frozen=True)
class CurrentState:
    as_of: dt.datetime
    quality: QualityReport
    orders: int
    people_with_orders: int
    first_order: dt.date | None
    last_order: dt.date | None
    channels: list[Channel]
    people_touched_recent: int
    owner_share: float | None
    multi_team_share: float | None  # of people touched in the window, those touched by 2+ teams
    duplicate_rate: float | None
    gaps: list[str]  # plain sentences: what is missing, worst first


def current_state(*, user: User) -> CurrentState:
    key = "assessments:current:" + hashlib.sha256(repr(read_scope(user)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _compute(user)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _channels(links: QuerySet[ActivityLink], recent: QuerySet[ActivityLink]) -> list[Channel]:
    window = {row["kind"]: row for row in recent.order_by().values("kind")
              .annotate(n=Count("pk"), people=Count("person", distinct=True))}  # fmt: skip
    ever = dict(links.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return [
        Channel(label, window.get(value, {}).get("n", 0), window.get(value, {}).get("people", 0),
                ever.get(value, 0))
        for value, label in ActivityKind.choices
    ]  # fmt: skip


def _compute(user: User) -> CurrentState:
    people = visible_to(Person.objects.alive(), user)
    quality = quality_report(user=user)
    everyone = read_scope(user) is None
    orders = (
        Order.objects.all() if everyone else Order.objects.filter(person__in=people.values("pk"))
    )
    order_numbers = orders.aggregate(n=Count("pk"), people=Count("person", distinct=True),
                                     first=Min("ordered_at"), last=Max("ordered_at"))  # fmt: skip
    links = ActivityLink.objects.filter(person__isnull=False)
    if not everyone:
        links = links.filter(person__in=people.values("pk"))
    since = timezone.now() - dt.timedelta(days=TOUCH_DAYS)
    recent = links.filter(occurred_at__gte=since)
    touched = (
        recent.order_by()
        .values("person")
        .annotate(teams=Count("activity__actor__teams", distinct=True))
    )
    touched_count = touched.count()
    multi_team = touched.filter(teams__gte=2).count()
    owner_share = next((c.share for c in quality.completeness if c.label == "Owner"), None)
    duplicates = indicator("identify.duplicate_rate")
    duplicate_rate = duplicates.compute(Scope(viewer=user)).value if duplicates else None
    state = CurrentState(
        as_of=timezone.now(),
        quality=quality,
        orders=order_numbers["n"] or 0,
        people_with_orders=order_numbers["people"] or 0,
        first_order=order_numbers["first"],
        last_order=order_numbers["last"],
        channels=_channels(links, recent),
        people_touched_recent=touched_count,
        owner_share=owner_share if quality.total else None,
        multi_team_share=multi_team / touched_count if touched_count else None,
        duplicate_rate=duplicate_rate,
        gaps=[],
    )
    return CurrentState(**{**state.__dict__, "gaps": _gaps(state)})


def _gaps(state: CurrentState) -> list[str]:
    """What the business cannot do yet for lack of data, most basic first."""
    gaps = []
    q = state.quality
    if not q.total:
        return ["No people yet: import them (Import and export) or add them by hand."]
    if not state.orders:
        gaps.append(
            "No orders: customer value, tiers, lifecycle stages and retention cannot be computed. Import orders."
        )
    for item in q.completeness:
        if item.label in ("E-mail", "Phone", "Organisation") and item.share < 0.5:
            gaps.append(f"{item.label} is missing for {1 - item.share:.0%} of people.")
    if state.owner_share is not None and state.owner_share < 0.9:
        gaps.append(
            f"{1 - state.owner_share:.0%} of people have no owner: nobody answers for them."
        )
    if q.no_consent / q.total > 0.5:
        gaps.append(f"E-mail consent is unknown for {q.no_consent / q.total:.0%} of people.")
    if state.duplicate_rate is not None and state.duplicate_rate > 0.02:
        gaps.append(
            f"{state.duplicate_rate:.1%} of people are in open duplicate groups: review them."
        )
    recorded = {c.label for c in state.channels if c.links}
    if not recorded:
        gaps.append(
            f"No touchpoint recorded in the last {TOUCH_DAYS} days: log calls, meetings and e-mails."
        )
    else:
        silent = [c.label.lower() for c in state.channels if not c.links and c.label != "Task"]
        if silent:
            gaps.append(f"Nothing recorded in {TOUCH_DAYS} days for: {', '.join(silent)}.")
    return gaps
