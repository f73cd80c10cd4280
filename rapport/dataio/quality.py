"""The data quality page's numbers: a handful of aggregate queries over the people
the user may see (never a Python loop over rows), so they stay quick at a million.

Invalid e-mails and phones are found by shape in SQL: stored e-mails were checked
by email-validator and phones kept as E.164 when written, so a stored value that
no longer has that shape is one a later check would refuse.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, Func, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import Value

from rapport.accounts.access import read_scope, visible_to
from rapport.accounts.models import User
from rapport.people.custom_fields import definitions_for
from rapport.people.models import Affiliation, ConsentStatus, Person, PersonEmail, PersonPhone


class Like(Func):
    """``column LIKE pattern`` as a condition (a pattern without letters, so case plays no part)."""

    arg_joiner = " LIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class E164Shape(Func):
    """True when the value is '+' and 8–15 digits, the first not 0."""

    template = "(%(expressions)s ~ '^\\+[1-9][0-9]{7,14}$')"
    output_field = BooleanField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"({sql} GLOB '+[1-9]*' AND length({sql}) BETWEEN 9 AND 16 "
            f"AND NOT substr({sql}, 2) GLOB '*[^0-9]*')",
            [*params, *params, *params],
        )


@dataclass
class Completeness:
    label: str
    count: int
    share: float


@dataclass
class QualityReport:
    total: int
    completeness: list[Completeness]
    invalid_emails: int
    invalid_phones: int
    people_sharing_email: int
    people_sharing_phone: int
    no_consent: int


def _visible_people(user: User) -> QuerySet[Person]:
    return visible_to(Person.objects.alive(), user)


def _email_ok() -> Q:
    return (
        Q(Like("email", Value("%_@_%._%")))
        & ~Q(email__contains=" ")
        & ~Q(Like("email", Value("%@%@%")))
    )


CACHE_SECONDS = 120


def quality_report(*, user: User) -> QualityReport:
    """The report for what ``user`` may see; kept two minutes (it scans every person).

    The key is the visibility rule itself (``read_scope``), so a change of the
    workspace visibility, the user's role or teams reaches the report at once.
    """
    scope = read_scope(user)
    key = "dataio:quality:" + hashlib.sha256(repr(scope).encode()).hexdigest()
    report = cache.get(key)
    if report is None:
        report = _compute(user)
        cache.set(key, report, CACHE_SECONDS)
    return report


def _compute(user: User) -> QualityReport:
    people = _visible_people(user)
    definitions = list(definitions_for("person"))
    has_org = Exists(Affiliation.objects.filter(person=OuterRef("pk")))
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "email": Count("pk", filter=~Q(email="")),
        "phone": Count("pk", filter=~Q(phone="")),
        "organization": Count("pk", filter=Q(has_org)),
        "owner": Count("pk", filter=Q(owner__isnull=False)),
        "consent": Count("pk", filter=~Q(email_consent=ConsentStatus.UNKNOWN)),
        "birthday": Count("pk", filter=Q(birthday__isnull=False)),
        "address": Count("pk", filter=~Q(city="") | ~Q(street="")),
    }
    for index, definition in enumerate(definitions):
        aggregates[f"cf{index}"] = Count("pk", filter=Q(custom_fields__has_key=definition.key))
    numbers = people.aggregate(**aggregates)
    total = numbers["total"] or 0

    def entry(label: str, count: int) -> Completeness:
        return Completeness(label, count, count / total if total else 0.0)

    completeness = [
        entry("E-mail", numbers["email"]), entry("Phone", numbers["phone"]),
        entry("Organisation", numbers["organization"]), entry("Owner", numbers["owner"]),
        entry("Consent status known", numbers["consent"]), entry("Birthday", numbers["birthday"]),
        entry("Address", numbers["address"]),
    ] + [entry(d.label, numbers[f"cf{i}"]) for i, d in enumerate(definitions)]  # fmt: skip
    if read_scope(user) is None:  # everyone's: a join, no million-id subquery
        emails = PersonEmail.objects.filter(person__deleted_at__isnull=True)
        phones = PersonPhone.objects.filter(person__deleted_at__isnull=True)
    else:
        emails = PersonEmail.objects.filter(person__in=people.values("pk"))
        phones = PersonPhone.objects.filter(person__in=people.values("pk"))
    return QualityReport(
        total=total,
        completeness=completeness,
        invalid_emails=emails.exclude(_email_ok()).count(),
        invalid_phones=phones.exclude(Q(E164Shape("number"))).count(),
        people_sharing_email=_sharing(emails, "email"),
        people_sharing_phone=_sharing(phones, "number"),
        no_consent=total - numbers["consent"],
    )


def _sharing(rows: QuerySet[Any], column: str) -> int:
    """People whose e-mail (or phone) another visible person also has (exact match).

    Values held more than once anywhere come first, from the value index alone (no
    join); only those few are then counted among the rows the user may see.
    """
    model = rows.model
    repeated = (
        model._default_manager.order_by()
        .values(column)
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values(column)
    )
    # (person, value) is unique, so a plain count is the number of people.
    shared = (
        rows.filter(**{f"{column}__in": repeated})
        .order_by()
        .values(column)
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return int(shared.aggregate(people=Sum("n"))["people"] or 0)
