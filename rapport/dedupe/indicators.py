"""Identify: how many people sit in duplicate clusters nobody has reviewed yet."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from rapport.core.indicators import Reading, Scope, register_indicator, share
from rapport.dedupe.models import DuplicatePair, Entity, ReviewStatus
from rapport.people.models import Person


def in_open_clusters(scope: Scope) -> QuerySet[Person]:
    pairs = DuplicatePair.objects.filter(
        entity=Entity.PERSON, status=ReviewStatus.OPEN, cluster__status=ReviewStatus.OPEN
    )
    return scope.people().filter(
        Q(pk__in=pairs.values("record_a")) | Q(pk__in=pairs.values("record_b"))
    )


def duplicate_rate(scope: Scope) -> Reading:
    return share(in_open_clusters(scope).count(), scope.people().count())


def register() -> None:
    register_indicator(
        "identify.duplicate_rate",
        name="Duplicate rate",
        definition=(
            "Live people in scope who are in an open pair of an open duplicate cluster "
            "(found by a scan, not yet merged or dismissed), divided by live people in scope."
        ),
        unit="share",
        better="lower",
        compute=duplicate_rate,
        drilldown=in_open_clusters,
        drilldown_label="People in open duplicate clusters",
    )
