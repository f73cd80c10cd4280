"""Reads for segments (their members, always through ``visible_to``, and who may use them)
and for a person's lifecycle stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from rapport.accounts.access import access_record, visible_to
from rapport.accounts.models import User
from rapport.core.entities import entity_kind, entity_of
from rapport.core.errors import NotFound, ValidationFailed
from rapport.core.params import parse_id
from rapport.insights.models import (
    CustomerScore,
    LifecycleTransition,
    PersonLifecycle,
    Segment,
)
from rapport.insights.segments import clean_definition, compile_conditions
from rapport.people.models import Affiliation, Organization, Person

M = TypeVar("M", bound=Model)


def segments_for(*, user: User) -> QuerySet[Segment]:
    """Segments ``user`` may use: their own and shared ones (an admin sees all)."""
    qs = Segment.objects.select_related("owner")
    if user.is_admin:
        return qs
    return qs.filter(Q(owner=user) | Q(shared=True))


def segment_get(*, user: User, pk: int) -> Segment:
    segment = segments_for(user=user).filter(pk=pk).first()
    if segment is None:
        raise NotFound("No such segment, or you may not use it.")
    return segment


def apply_segment(
    qs: QuerySet[M], *, entity: str, definition: list[dict[str, Any]], me: int | None
) -> QuerySet[M]:
    """Narrow ``qs`` (people or organisations) to the records meeting every condition."""
    compiled = compile_conditions(entity, clean_definition(entity, definition), me=me)
    qs = qs.filter(compiled.record)
    if compiled.has_score_conditions:
        scored = CustomerScore.objects.filter(compiled.score, is_latest=True).values(f"{entity}_id")
        qs = qs.filter(pk__in=scored)
    return qs


def segment_records(*, segment: Segment, user: User | None) -> QuerySet[Any]:
    """Live records of the segment's own entity that ``user`` may see.

    ``user=None`` is the system (e.g. the campaign worker): no visibility rule applies.
    """
    model: type[Person] | type[Organization] = entity_kind(segment.entity).model
    qs: QuerySet[Any] = model.objects.filter(deleted_at__isnull=True)
    if user is not None:
        qs = visible_to(qs, user)
    me = user.pk if user is not None else segment.owner_id
    return apply_segment(qs, entity=segment.entity, definition=segment.definition, me=me)


def segment_people(*, segment: Segment, user: User | None) -> QuerySet[Person]:
    """People in the segment that ``user`` may see (``user=None``: the system sees all).

    For an organisation segment, the people affiliated with its organisations. Deleted
    people and people of deleted organisations are never included.
    """
    if segment.entity != "organization":
        return segment_records(segment=segment, user=user)
    organizations = segment_records(segment=segment, user=user).values("pk")
    people: QuerySet[Person] = Person.objects.filter(deleted_at__isnull=True)
    if user is not None:
        people = visible_to(people, user)
    members = Affiliation.objects.filter(organization__in=organizations).values("person_id")
    return people.filter(pk__in=members)


def segment_filter(qs: QuerySet[M], *, user: User, segment_id: str) -> QuerySet[M]:
    """The people/organisation lists' ``?segment=<id>``: only the segment's members."""
    pk = parse_id(segment_id, field="segment")
    segment = segments_for(user=user).filter(pk=pk).first()
    if segment is None:
        raise ValidationFailed({"segment": ["No such segment, or you may not use it."]})
    entity = entity_of(qs.model).key
    if segment.entity != entity:
        raise ValidationFailed({"segment": [f"That segment is a list of {segment.entity}s."]})
    return apply_segment(qs, entity=entity, definition=segment.definition, me=user.pk)


@dataclass(frozen=True)
class Lifecycle:
    person: Person
    stage: str
    since: dt.date | None  # None: never computed nor set by hand
    computed_stage: str | None
    overridden: bool
    history: list[LifecycleTransition]


def person_lifecycle(*, user: User, pk: int, limit: int = 100) -> Lifecycle:
    """A person's stage in force, since when, and their latest transitions (newest first)."""
    person = access_record(Person.objects.alive(), user, pk=pk)
    state = PersonLifecycle.objects.filter(person=person).first()
    history = list(
        LifecycleTransition.objects.filter(person=person).select_related("actor")[:limit]
    )
    return Lifecycle(
        person=person,
        stage=person.lifecycle_stage,
        since=state.since if state else None,
        computed_stage=state.computed_stage if state else None,
        overridden=bool(state and state.overridden),
        history=history,
    )
