"""Indicators that combine several apps' data, or depend on a playbook setting.

Profile completeness uses the workspace's chosen required fields; the touch
indicators need both the value scores (insights) and the timeline (activities).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from rapport.activities.models import ActivityKind, ActivityLink
from rapport.core.indicators import Reading, Scope, register_indicator, share
from rapport.insights.indicators import latest_scores, tier_a
from rapport.people.models import Affiliation, Person
from rapport.playbooks.models import PROFILE_FIELDS, PlaybookSettings

TOUCH_DAYS = 30
# A touch is something a person of ours did towards the customer: logged by hand
# or an e-mail sent (one by one or in a campaign). Inbound e-mail is not a touch.
TOUCH_KINDS = (
    ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING,
    ActivityKind.EMAIL_OUT, ActivityKind.CAMPAIGN_SEND,
)  # fmt: skip
SECONDS_PER_DAY = 86_400


def _touches(now: dt.datetime) -> QuerySet[ActivityLink]:
    return ActivityLink.objects.filter(
        person=OuterRef("pk"), kind__in=TOUCH_KINDS, occurred_at__lte=now
    )


def tier_a_not_touched(scope: Scope) -> QuerySet[Person]:
    now = timezone.now()
    recent = _touches(now).filter(occurred_at__gte=now - dt.timedelta(days=TOUCH_DAYS))
    return tier_a(scope).exclude(Exists(recent))


def tier_a_touched_share(scope: Scope) -> Reading:
    total = tier_a(scope).count()
    return share(total - tier_a_not_touched(scope).count(), total)


def _median_days(touched: QuerySet[Any], n: int, now: dt.datetime) -> float:
    """Median days since ``last`` over ``n`` rows: the middle one or two rows, read
    with OFFSET from the database rather than loading every row."""
    middle = touched.order_by("last", "pk").values_list("last", flat=True)[
        (n - 1) // 2 : n // 2 + 1
    ]
    days = [(now - last).total_seconds() / SECONDS_PER_DAY for last in middle]
    return sum(days) / len(days)


def median_days_since_touch(scope: Scope) -> Reading:
    now = timezone.now()
    last_touch = (
        ActivityLink.objects.filter(
            person=OuterRef("person_id"), kind__in=TOUCH_KINDS, occurred_at__lte=now
        )
        .order_by()
        .values("person")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    touched = latest_scores(scope).annotate(last=Subquery(last_touch)).filter(last__isnull=False)
    counts = dict(touched.values("tier").annotate(n=Count("pk")).values_list("tier", "n"))
    if not counts:
        return Reading(None)
    per_tier = {
        tier: _median_days(touched.filter(tier=tier), n, now) for tier, n in sorted(counts.items())
    }
    return Reading(_median_days(touched, sum(counts.values()), now), per_tier)


def _has(field: str) -> Q | Exists:
    if field == "organization":
        return Exists(Affiliation.objects.filter(person=OuterRef("pk")))
    if field == "birthday":
        return Q(birthday__isnull=False)
    return ~Q(**{field: ""})


def required_profile_fields() -> list[str]:
    return [f for f in PlaybookSettings.current().profile_fields if f in PROFILE_FIELDS]


def incomplete_profiles(scope: Scope) -> QuerySet[Person]:
    fields = required_profile_fields()
    if not fields:
        return scope.people().none()
    missing: Any = Q()  # Q or'ed with Exists
    for field in fields:
        missing |= ~_has(field)
    return scope.people().filter(missing)


def complete_profile_share(scope: Scope) -> Reading:
    total = scope.people().count()
    return share(total - incomplete_profiles(scope).count(), total)


def register() -> None:
    register_indicator(
        "identify.complete_profile_share",
        name="Complete profiles",
        definition=(
            "Share of live people in scope who have every field the workspace requires for "
            "a complete profile (by default an e-mail, a phone and an organisation)."
        ),
        unit="share",
        compute=complete_profile_share,
        drilldown=incomplete_profiles,
        drilldown_label="People with an incomplete profile",
    )
    register_indicator(
        "interact.tier_a_touched_30d_share",
        name="Tier A touched in 30 days",
        definition=(
            "Share of tier A people customers in scope with a touch in the last 30 days: a "
            "logged note, call or meeting, or an e-mail sent to them (single or campaign)."
        ),
        unit="share",
        compute=tier_a_touched_share,
        drilldown=tier_a_not_touched,
        drilldown_label="Tier A customers not touched in 30 days",
    )
    register_indicator(
        "interact.median_days_since_touch",
        name="Median days since last touch",
        definition=(
            "Median, over scored people customers in scope who were ever touched, of the "
            "days since their latest touch (note, call, meeting or sent e-mail); per tier too. "
            "Customers never touched are left out."
        ),
        unit="days",
        better="lower",
        compute=median_days_since_touch,
    )
