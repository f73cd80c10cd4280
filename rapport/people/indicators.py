"""Identify indicators the people app measures (definitions: docs/indicators.md)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils import timezone

from rapport.core.indicators import Reading, Scope, register_indicator, share
from rapport.people.models import ConsentStatus, Person

NEW_RECORDS_DAYS = 30
NO_SOURCE = "(no source)"


def consent_unknown(scope: Scope) -> QuerySet[Person]:
    return scope.people().filter(email_consent=ConsentStatus.UNKNOWN)


def consent_known_share(scope: Scope) -> Reading:
    people = scope.people()
    return share(people.exclude(email_consent=ConsentStatus.UNKNOWN).count(), people.count())


def new_records(scope: Scope) -> QuerySet[Person]:
    since = timezone.now() - dt.timedelta(days=NEW_RECORDS_DAYS)
    return scope.people().filter(created_at__gt=since)


def new_records_by_source(scope: Scope) -> Reading:
    rows = new_records(scope).order_by().values("source").annotate(n=Count("pk"))
    breakdown = {(row["source"] or NO_SOURCE): float(row["n"]) for row in rows}
    return Reading(float(sum(breakdown.values())), dict(sorted(breakdown.items())))


def register() -> None:
    register_indicator(
        "identify.consent_known_share",
        name="Known e-mail consent",
        definition=(
            "Share of live people in scope whose e-mail consent is recorded "
            "(opted in, declined or withdrawn) rather than unknown."
        ),
        unit="share",
        compute=consent_known_share,
        drilldown=consent_unknown,
        drilldown_label="People whose consent is unknown",
    )
    register_indicator(
        "identify.new_records_30d",
        name="New records per source (30 days)",
        definition=(
            f"Live people in scope created in the last {NEW_RECORDS_DAYS} days (now minus "
            f"{NEW_RECORDS_DAYS}×24 h), broken down by their source field."
        ),
        unit="count",
        compute=new_records_by_source,
        drilldown=new_records,
        drilldown_label="People added in the last 30 days",
    )
