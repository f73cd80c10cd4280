"""Lifecycle stages computed by the recompute, stored with their dates, set by hand with a reason.

Default thresholds: repeat from 2 orders, loyal from 5 while the last order is at most
180 days old, at risk after 2 × the usual interval, lapsed after 365 days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from rapport.core.errors import NotFound, PermissionDenied, ValidationFailed
from rapport.core.models import AuditEvent, OutboxEvent
from rapport.insights.lifecycle import lifecycle_recompute
from rapport.insights.models import LifecycleTransition, PersonLifecycle
from rapport.insights.recompute import insights_recompute
from rapport.insights.services import lifecycle_override
from rapport.people.models import Person
from rapport.sales.models import Order

pytestmark = pytest.mark.django_db
B = dt.date(2025, 1, 1)


def _day(n: int) -> dt.date:
    return B + dt.timedelta(days=n)


def _order(person: Any, day: int) -> None:
    Order.objects.create(person=person, ordered_at=_day(day), amount=50, currency="EUR")


def _history(person: Any) -> list[tuple[int, str, str, str]]:
    rows = LifecycleTransition.objects.filter(person=person).order_by("on", "id")
    return [((t.on - B).days, t.from_stage, t.to_stage, t.source) for t in rows]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def customer(make_person: Any) -> Any:
    person = make_person(first_name="Cora", last_name="Cyclic")
    for day in (0, 30, 60, 90, 120):  # every 30 days
        _order(person, day)
    return person


def test_orders_over_time_give_the_stage_sequence_with_its_dates(customer: Any) -> None:
    # given five monthly orders, computed on day 150
    lifecycle_recompute(as_of=_day(150))
    assert _history(customer) == [
        (0, "prospect", "customer", "computed"), (30, "customer", "repeat", "computed"),
        (120, "repeat", "loyal", "computed")]  # fmt: skip
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "loyal"
    # when nothing is bought until day 500: at risk from day 181 (gap 61 > 2 × 30), lapsed
    # from day 486 (gap 366 > 365)
    lifecycle_recompute(as_of=_day(500))
    assert _history(customer)[3:] == [
        (181, "loyal", "at_risk", "computed"), (486, "at_risk", "lapsed", "computed")]  # fmt: skip
    # when they order again on day 600: won back on that day
    _order(customer, 600)
    lifecycle_recompute(as_of=_day(650))
    assert _history(customer)[5:] == [(600, "lapsed", "won_back", "computed")]
    customer.refresh_from_db()
    state = PersonLifecycle.objects.get(person=customer)
    assert (customer.lifecycle_stage, state.since) == ("won_back", _day(600))
    # and computing again the same day adds nothing
    result = lifecycle_recompute(as_of=_day(650))
    assert (result.transitions, len(_history(customer))) == (0, 6)


def test_each_computation_emits_one_event_with_the_changed_ids(
    customer: Any, make_person: Any
) -> None:
    other = make_person(first_name="Otto")
    _order(other, 100)
    lifecycle_recompute(as_of=_day(150))
    events = OutboxEvent.objects.filter(name="person.lifecycle_changed")
    assert [sorted(e.entity_ids) for e in events] == [sorted([customer.pk, other.pk])]
    lifecycle_recompute(as_of=_day(150))
    assert events.count() == 1  # nothing changed, nothing emitted


def test_people_without_orders_keep_the_stage_they_have(make_person: Any, customer: Any) -> None:
    typed = make_person(first_name="Tina", lifecycle_stage="repeat")
    lifecycle_recompute(as_of=_day(150))
    typed.refresh_from_db()
    assert typed.lifecycle_stage == "repeat"
    assert not LifecycleTransition.objects.filter(person=typed).exists()


def test_the_recompute_job_computes_the_stages(seeded: Any) -> None:
    # Ana bought monthly and stopped 8 months ago; Bob buys monthly, last today
    run = insights_recompute(triggered_by=None)
    assert run.status == "done"
    ana = Person.objects.get(pk=seeded["ana"].pk)
    bob = Person.objects.get(pk=seeded["bob"].pk)
    assert (ana.lifecycle_stage, bob.lifecycle_stage) == ("at_risk", "loyal")
    # Ana's last order was 270 days ago with a 30-day interval: at risk 61 days later
    last = dt.date.today() - dt.timedelta(days=600 - 11 * 30)
    assert PersonLifecycle.objects.get(person=ana).since == last + dt.timedelta(days=61)


def test_setting_a_stage_by_hand_needs_a_reason_and_holds_until_the_next_change(
    workspace: Any, customer: Any
) -> None:
    lifecycle_recompute(as_of=_day(150))
    with pytest.raises(ValidationFailed) as raised:
        lifecycle_override(actor=workspace.rep, pk=customer.pk, stage="lapsed", reason="  ")
    assert "reason" in raised.value.detail  # type: ignore[operator]
    assert not LifecycleTransition.objects.filter(person=customer, source="manual").exists()
    lifecycle_override(actor=workspace.rep, pk=customer.pk, stage="lapsed",
                       reason="Said on the phone they are moving away")  # fmt: skip
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "lapsed"
    manual = LifecycleTransition.objects.get(person=customer, source="manual")
    assert (manual.from_stage, manual.actor, manual.reason, manual.on) == (
        "loyal", workspace.rep, "Said on the phone they are moving away", dt.date.today())  # fmt: skip
    assert AuditEvent.objects.filter(entity_type="person", entity_id=customer.pk,
                                     changes__lifecycle_stage=["loyal", "lapsed"]).exists()  # fmt: skip
    # a computation with nothing new keeps the stage set by hand
    lifecycle_recompute(as_of=_day(160))
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "lapsed"
    # when the computed stage changes (at risk on day 181: gap 61 > 2 × 30), it takes over
    lifecycle_recompute(as_of=_day(200))
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "at_risk"
    latest = LifecycleTransition.objects.filter(person=customer, source="computed").first()
    assert latest is not None
    assert ((latest.on - B).days, latest.from_stage, latest.to_stage) == (181, "lapsed", "at_risk")
    assert not PersonLifecycle.objects.get(person=customer).overridden


def test_who_may_set_a_stage(workspace: Any, customer: Any) -> None:
    with pytest.raises(PermissionDenied):
        lifecycle_override(actor=workspace.viewer, pk=customer.pk, stage="lapsed", reason="x")
    with pytest.raises(NotFound):  # South's rep does not see North's customer
        lifecycle_override(actor=workspace.other_rep, pk=customer.pk, stage="lapsed", reason="x")
    assert not LifecycleTransition.objects.filter(person=customer).exists()


def test_the_api_gives_the_stage_since_and_history(
    workspace: Any, customer: Any, api_as: Any
) -> None:
    lifecycle_recompute(as_of=_day(150))
    url = f"/api/v1/people/{customer.pk}/lifecycle"
    body = api_as(workspace.rep).get(url).json()
    assert (body["stage"], body["since"], body["computed_stage"], body["overridden"]) == (
        "loyal", "2025-05-01", "loyal", False)  # fmt: skip
    assert [(h["on"], h["to_stage"]) for h in body["history"]] == [
        ("2025-05-01", "loyal"), ("2025-01-31", "repeat"), ("2025-01-01", "customer")]  # fmt: skip
    assert api_as(workspace.other_rep).get(url).status_code == 404
    override = f"{url}/override"
    client = api_as(workspace.rep)
    missing = client.post(
        override, {"stage": "lapsed", "reason": ""}, content_type="application/json"
    )
    assert missing.status_code == 422
    assert "reason" in missing.json()["detail"]
    assert (
        api_as(workspace.viewer)
        .post(override, {"stage": "lapsed", "reason": "Closed"}, content_type="application/json")
        .status_code
        == 403
    )
    done = client.post(override, {"stage": "lapsed", "reason": "Shop closed"},
                       content_type="application/json")  # fmt: skip
    assert done.status_code == 200
    assert (done.json()["stage"], done.json()["overridden"]) == ("lapsed", True)
    assert done.json()["history"][0]["reason"] == "Shop closed"


def test_the_person_page_panel_shows_the_stage_history_and_the_form(
    workspace: Any, customer: Any
) -> None:
    lifecycle_recompute(as_of=_day(150))
    url = f"/insights/panel/person/{customer.pk}/lifecycle/"
    panel = _client(workspace.rep).get(url).content.decode()
    assert "Loyal / advocate" in panel and "since 1 May 2025" in panel
    assert "Repeat customer → Loyal / advocate" in panel
    assert "Set the stage by hand" in panel
    viewer = _client(workspace.viewer).get(url).content.decode()
    assert "Loyal / advocate" in viewer and "Set the stage by hand" not in viewer
    assert _client(workspace.other_rep).get(url).status_code == 404
    # the override form: no reason, the panel says why
    post = f"/insights/lifecycle/{customer.pk}/override/"
    empty = _client(workspace.rep).post(post, {"stage": "lapsed", "reason": ""},
                                        headers={"HX-Request": "true"})  # fmt: skip
    assert empty.status_code == 422 and "needs a reason" in empty.content.decode()
    page = _client(workspace.rep).get(f"/people/{customer.pk}/").content.decode()
    assert url in page
