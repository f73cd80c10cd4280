"""Identify indicators on hand-built people; each expected value is worked out in the test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.core.indicators import Scope, indicator
from rapport.people.models import Affiliation, Organization, Person
from rapport.playbooks.models import PlaybookSettings
from tests.rapport.playbooks.builders import duplicate_pair, person

pytestmark = pytest.mark.django_db

WHOLE = Scope()


def read(key: str, scope: Scope = WHOLE) -> Any:
    found = indicator(key)
    assert found is not None, key
    return found.compute(scope)


def people_behind(key: str, scope: Scope = WHOLE) -> set[int]:
    found = indicator(key)
    assert found is not None and found.drilldown is not None
    return set(found.drilldown(scope).values_list("pk", flat=True))


def test_complete_profile_needs_email_phone_and_organisation_by_default(workspace: Any) -> None:
    # Given four people: one complete, one without phone, one without organisation, one bare
    org = Organization.objects.create(name="Acme", owner=workspace.rep)
    complete = person(workspace.rep, email="a@x.org", phone="+3312345678")
    no_phone = person(workspace.rep, email="b@x.org")
    no_org = person(workspace.rep, email="c@x.org", phone="+3312345679")
    bare = person(workspace.rep)
    for p in (complete, no_phone):
        Affiliation.objects.create(person=p, organization=org)
    # and a deleted complete one, which does not count
    gone = person(workspace.rep, email="d@x.org", phone="+3312345670", deleted_at=timezone.now())
    Affiliation.objects.create(person=gone, organization=org)

    # Then 1 of 4 live people is complete
    assert read("identify.complete_profile_share").value == pytest.approx(1 / 4)
    assert people_behind("identify.complete_profile_share") == {no_phone.pk, no_org.pk, bare.pk}

    # When the admin only requires an e-mail, 3 of 4 are complete
    PlaybookSettings.objects.update_or_create(pk=1, defaults={"profile_fields": ["email"]})
    assert read("identify.complete_profile_share").value == pytest.approx(3 / 4)


def test_duplicate_rate_counts_people_in_open_pairs_of_open_clusters(workspace: Any) -> None:
    # Given ten people, an open pair (2 people), a dismissed pair, and an open pair
    # sharing a person with the first (1 more person)
    crowd = [person(workspace.rep) for _ in range(10)]
    duplicate_pair(crowd[0], crowd[1])
    duplicate_pair(crowd[1], crowd[2])
    duplicate_pair(crowd[3], crowd[4], status="dismissed")

    # Then 3 distinct people of 10 are in open clusters
    assert read("identify.duplicate_rate").value == pytest.approx(3 / 10)
    assert people_behind("identify.duplicate_rate") == {crowd[0].pk, crowd[1].pk, crowd[2].pk}


def test_consent_known_share(workspace: Any) -> None:
    # Given one opted in, one declined, one unknown: two of three known
    person(workspace.rep, email_consent="granted")
    person(workspace.rep, email_consent="declined")
    unknown = person(workspace.rep)
    assert read("identify.consent_known_share").value == pytest.approx(2 / 3)
    assert people_behind("identify.consent_known_share") == {unknown.pk}


def test_no_people_means_no_value_rather_than_zero(workspace: Any) -> None:
    assert read("identify.consent_known_share").value is None
    assert read("identify.duplicate_rate").value is None


def test_new_records_in_30_days_by_source(workspace: Any) -> None:
    # Given two from the web form, one from an import, one with no source, all recent,
    # and one web-form person created 31 days ago
    recent = [
        person(workspace.rep, source="web form"),
        person(workspace.rep, source="web form"),
        person(workspace.rep, source="import"),
        person(workspace.rep),
    ]
    old = person(workspace.rep, source="web form")
    Person.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=31))

    reading = read("identify.new_records_30d")
    assert reading.value == 4
    assert reading.breakdown == {"(no source)": 1, "import": 1, "web form": 2}
    assert people_behind("identify.new_records_30d") == {p.pk for p in recent}
