"""Reads for people and organisations: filtering, sorting and counting lists.

The pages, the API and (later) exports parse the same filter parameters here,
and every read starts from ``visible_to`` so no list leaks a hidden record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower

from rapport.accounts.access import read_scope, visible_to
from rapport.accounts.models import User
from rapport.core.errors import ValidationFailed
from rapport.core.params import parse_id
from rapport.people.custom_fields import coerce_value, definitions_for
from rapport.people.models import (
    Affiliation,
    ConsentStatus,
    LifecycleStage,
    Organization,
    Person,
    RelationshipType,
    SavedView,
    Tag,
)
from rapport.people.plans import SCAN_ABOVE, counting, unindexed
from rapport.people.search import apply_search

PERSON_SORTS: dict[str, list[Any]] = {
    "-updated": ["-updated_at", "-id"],
    "updated": ["updated_at", "id"],
    "name": [Lower("last_name"), Lower("first_name"), "id"],
    "-name": [Lower("last_name").desc(), Lower("first_name").desc(), "-id"],
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
}
ORG_SORTS: dict[str, list[Any]] = {
    "-updated": ["-updated_at", "-id"],
    "updated": ["updated_at", "id"],
    "name": [Lower("name"), "id"],
    "-name": [Lower("name").desc(), "-id"],
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
}


@dataclass
class ListFilter:
    q: str = ""
    owner: str = ""  # a user id, or "me", or "none"
    team: str = ""
    tag: str = ""
    stage: str = ""
    relationship_type: str = ""
    consent: str = ""
    organization: str = ""
    trash: bool = False
    sort: str = "-updated"
    custom: dict[str, str] = field(default_factory=dict)
    segment: str = ""  # a rapport.insights Segment id
    indicator: str = ""  # an indicator key: the people behind its number
    scope: str = ""  # the indicator's scope: workspace, team:<id> or owner:<id>

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ListFilter:
        get = params.get
        custom = {k[3:]: str(v) for k, v in params.items() if k.startswith("cf_") and str(v) != ""}
        return cls(
            q=str(get("q", "") or "").strip()[:200],
            owner=str(get("owner", "") or ""),
            team=str(get("team", "") or ""),
            tag=str(get("tag", "") or ""),
            stage=str(get("stage", "") or ""),
            relationship_type=str(get("relationship_type", "") or ""),
            consent=str(get("consent", "") or ""),
            organization=str(get("organization", "") or ""),
            trash=str(get("trash", "")) in {"1", "true", "on"},
            sort=str(get("sort", "") or "-updated"),
            custom=custom,
            segment=str(get("segment", "") or ""),
            indicator=str(get("indicator", "") or "")[:80],
            scope=str(get("scope", "") or "")[:40],
        )


def _int_param(name: str, value: str) -> int:
    return parse_id(value, field=name)


def _apply_common(qs: QuerySet[Any], flt: ListFilter, user: User, entity: str) -> QuerySet[Any]:
    qs = qs.filter(deleted_at__isnull=not flt.trash)
    if flt.owner == "me":
        qs = qs.filter(owner_id=user.pk)
    elif flt.owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif flt.owner:
        qs = qs.filter(owner_id=_int_param("owner", flt.owner))
    if flt.team:
        qs = qs.filter(team_id=_int_param("team", flt.team))
    if flt.tag:
        qs = _with_tag(qs, flt.tag)
    if flt.custom:
        definitions = {d.key: d for d in definitions_for(entity)}
        for key, raw in flt.custom.items():
            definition = definitions.get(key)
            if definition is None:
                raise ValidationFailed({f"cf_{key}": [f"There is no custom field {key!r}."]})
            try:
                value = coerce_value(definition, raw)
            except ValueError as exc:
                raise ValidationFailed({f"cf_{key}": [f"{definition.label} {exc}"]}) from exc
            qs = qs.filter(**{f"custom_fields__{key}": value})
    if flt.segment:
        from rapport.insights.selectors import segment_filter

        qs = segment_filter(qs, user=user, segment_id=flt.segment)
    if flt.indicator:
        qs = _behind_indicator(qs, flt, user)
    if flt.q:
        qs = apply_search(qs, flt.q)
    return qs


def _behind_indicator(qs: QuerySet[Any], flt: ListFilter, user: User) -> QuerySet[Any]:
    from rapport.core.indicators import drilldown_people, parse_scope

    if qs.model is not Person:
        raise ValidationFailed({"indicator": ["Indicator lists are lists of people."]})
    people = drilldown_people(flt.indicator, parse_scope(flt.scope, viewer=user))
    return qs.filter(pk__in=people.values("pk"))


def _visible(qs: QuerySet[Any], user: User) -> QuerySet[Any]:
    """``visible_to``, shaped so SQLite walks the sort's index (see rapport.people.plans).

    The rule itself still comes from ``read_scope``; only owner/team columns are
    rewritten to their unindexed form, for counting too: a visibility rule usually
    keeps a large share of the rows, so a scan finds the first page (or the count's
    cap) quickly.
    """
    scope = read_scope(user)
    if scope is None or connection.vendor != "sqlite":
        return visible_to(qs, user)
    renames = {"owner_id": "_visible_owner_id", "team_id": "_visible_team_id"}
    qs = qs.alias(
        **{
            alias: unindexed(F(column), also_when_counting=True)
            for column, alias in renames.items()
        }
    )
    return qs.filter(_rename_lookups(scope, renames))


def _rename_lookups(q: Q, renames: dict[str, str]) -> Q:
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_rename_lookups(child, renames))
            continue
        lookup, value = cast(tuple[str, Any], child)
        column, _, rest = lookup.partition("__")
        new = renames.get(column)
        children.append((f"{new}__{rest}" if rest else new, value) if new else child)
    return Q(*children, _connector=q.connector, _negated=q.negated)


def _with_tag(qs: QuerySet[Any], tag: str) -> QuerySet[Any]:
    """Records carrying ``tag``: a common tag is scanned in sort order, a rare one
    fetched through the tag index (see rapport.people.plans)."""
    through = qs.model.tags.through
    owner_column = f"{qs.model._meta.model_name}_id"
    tagged = through.objects.filter(tag__name=tag).values(owner_column)
    if connection.vendor == "sqlite" and tagged[: SCAN_ABOVE + 1].count() > SCAN_ABOVE:
        return qs.alias(_tagged_pk=unindexed(F("pk"), also_when_counting=False)).filter(
            _tagged_pk__in=tagged
        )
    return qs.filter(pk__in=tagged)


def _choice_filter(name: str, value: str, allowed: list[str]) -> None:
    if value and value not in allowed:
        raise ValidationFailed({name: [f"Must be one of: {', '.join(allowed)}."]})


def person_list(*, user: User, flt: ListFilter) -> QuerySet[Person]:
    """People ``user`` may see that match ``flt``, sorted; not yet paginated."""
    if flt.sort not in PERSON_SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(PERSON_SORTS)}."]})
    _choice_filter("stage", flt.stage, LifecycleStage.values)
    _choice_filter("consent", flt.consent, ConsentStatus.values)
    qs = _apply_common(_visible(Person.objects.all(), user), flt, user, "person")
    if flt.stage:
        qs = qs.filter(lifecycle_stage=flt.stage)
    if flt.consent:
        qs = qs.filter(email_consent=flt.consent)
    if flt.organization:
        qs = qs.filter(affiliations__organization_id=_int_param("organization", flt.organization))
    return qs.order_by(*PERSON_SORTS[flt.sort])


def organization_list(*, user: User, flt: ListFilter) -> QuerySet[Organization]:
    if flt.sort not in ORG_SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(ORG_SORTS)}."]})
    _choice_filter("relationship_type", flt.relationship_type, RelationshipType.values)
    qs = _apply_common(_visible(Organization.objects.all(), user), flt, user, "organization")
    if flt.relationship_type:
        qs = qs.filter(relationship_type=flt.relationship_type)
    return qs.order_by(*ORG_SORTS[flt.sort])


def with_list_relations(qs: QuerySet[Any], *, user: User) -> QuerySet[Any]:
    """What a list row shows to ``user``, fetched in a fixed number of queries."""
    qs = qs.select_related("owner", "team").prefetch_related("tags")
    if qs.model is Person:
        qs = qs.prefetch_related(affiliations_seen_by(user))
    return qs


def affiliations_seen_by(user: User) -> Prefetch[Any]:
    """People's affiliations with their organisations, each row marked with whether
    ``user`` may see the organisation (``Affiliation.organization_label`` then shows
    ``HIDDEN_ORGANIZATION`` instead of its name): a person of yours linked to another
    team's organisation must not tell you its name."""
    rows = Affiliation.objects.select_related("organization")
    scope = read_scope(user)
    if scope is not None:
        rows = rows.annotate(
            organization_visible=Case(
                When(_prefixed(scope, "organization__"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    return Prefetch("affiliations", queryset=rows)


def _prefixed(q: Q, prefix: str) -> Q:
    """``q`` with every lookup made through the relation ``prefix``."""
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        else:
            lookup, value = cast(tuple[str, Any], child)
            children.append((prefix + lookup, value))
    return Q(*children, _connector=q.connector, _negated=q.negated)


def capped_count(qs: QuerySet[Any]) -> tuple[int, bool]:
    """Count up to the cap; (count, capped). Exact counts of a million rows cost too much."""
    cap = int(settings.RAPPORT["COUNT_CAP"])
    with counting():
        n = qs.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


def person_detail(*, user: User, pk: int) -> Person:
    from rapport.accounts.access import access_record

    qs = Person.objects.select_related("owner", "team").prefetch_related(
        "emails", "phones", "tags", affiliations_seen_by(user)
    )
    return access_record(qs, user, pk=pk)


def organization_detail(*, user: User, pk: int) -> Organization:
    from rapport.accounts.access import access_record

    return access_record(
        Organization.objects.select_related("owner", "team").prefetch_related("tags"), user, pk=pk
    )


def organization_people(*, user: User, organization: Organization) -> QuerySet[Affiliation]:
    visible_people = visible_to(Person.objects.alive(), user)
    return (
        Affiliation.objects.filter(organization=organization, person__in=visible_people)
        .select_related("person")
        .order_by(Lower("person__last_name"), "person_id")
    )


def still_visible(*, user: User, record: Person | Organization) -> bool:
    """Whether ``user`` may still see ``record`` (read again: a write may have given it away)."""
    return visible_to(type(record).objects.filter(pk=record.pk), user).exists()


TAG_SUGGESTIONS = 20


def tag_names_seen_by(
    *, user: User, entity: str, prefix: str = "", limit: int = TAG_SUGGESTIONS
) -> list[str]:
    """Up to ``limit`` names, A–Z, of tags on ``entity`` records ``user`` may see (the trash
    too), starting with ``prefix``. Tag names are workspace-wide, so a tag only another
    team's records carry must not be offered — nor every one of thousands of tags.

    Walks the tags in name order and keeps one with a visible record (an index probe
    each), so it stays quick however many tags or records there are."""
    model: type[Person] | type[Organization] = Organization if entity == "organization" else Person
    column = model._meta.model_name
    tagged = model.tags.through.objects.filter(tag=OuterRef("pk"))
    scope = read_scope(user)
    if scope is not None:
        tagged = tagged.filter(_prefixed(scope, f"{column}__"))
    tags = Tag.objects.filter(Exists(tagged))
    if prefix:
        tags = tags.filter(name__istartswith=prefix)
    return list(tags.order_by("name").values_list("name", flat=True)[:limit])


def saved_views_for(*, user: User, entity: str) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=user, entity=entity)
