"""Orders: recording them, who sees them, importing a CSV twice, the API and the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rapport.core.errors import NotFound, PermissionDenied, ValidationFailed
from rapport.core.models import AuditEvent
from rapport.sales.imports import import_orders_text
from rapport.sales.models import Order, Product
from rapport.sales.selectors import OrderFilter, order_list
from rapport.sales.services import order_create, order_delete, order_update

JSON = "application/json"


def test_an_order_with_lines_adds_up_and_is_audited(workspace: Any, make_person: Any) -> None:
    # given a person and a product
    ana = make_person()
    Product.objects.create(name="Cake", sku="CAK", price=Decimal("12.50"))
    # when rick records an order with two lines and no amount
    order = order_create(actor=workspace.rep, data={
        "person": ana.pk, "ordered_at": "2024-05-02", "currency": "eur",
        "lines": [{"sku": "CAK", "quantity": 2}, {"description": "Delivery", "unit_price": "5"}],
    })  # fmt: skip
    # then the amount is the sum of the lines, the currency upper-case, and it is audited
    assert order.amount == Decimal("30.00")
    assert order.currency == "EUR"
    assert order.lines.count() == 2
    assert AuditEvent.objects.filter(entity_type="order", entity_id=order.pk).exists()


def test_bad_input_is_reported_by_field(workspace: Any, make_person: Any, make_org: Any) -> None:
    ana, acme = make_person(), make_org()
    with pytest.raises(ValidationFailed) as exc:
        order_create(actor=workspace.rep, data={
            "person": ana.pk, "organization": acme.pk, "ordered_at": "yesterday",
            "amount": "-3", "currency": "euro",
        })  # fmt: skip
    assert set(exc.value.detail) >= {"customer", "ordered_at", "amount", "currency"}


def test_orders_follow_their_customers_visibility(
    workspace: Any, make_person: Any, make_order: Any
) -> None:
    # given one order for a North customer and one for a South customer
    north = make_person(first_name="Nora", actor=workspace.rep, team=workspace.north)
    south = make_person(first_name="Sol", actor=workspace.other_rep, team=workspace.south)
    make_order(north)
    make_order(south)

    # then each rep sees only orders of customers they can see; the admin sees both
    def seen(user: Any) -> set[int]:
        return {o.person_id for o in order_list(user=user, flt=OrderFilter())}

    assert seen(workspace.rep) == {north.pk}
    assert seen(workspace.other_rep) == {south.pk}
    assert seen(workspace.admin) == {north.pk, south.pk}
    # and nobody records an order for a customer they cannot see or edit
    with pytest.raises(NotFound):
        order_create(actor=workspace.rep, data={"person": south.pk, "ordered_at": "2024-01-01",
                                                "amount": "1", "currency": "EUR"})  # fmt: skip
    with pytest.raises(PermissionDenied):
        order_create(actor=workspace.viewer, data={"person": north.pk, "ordered_at": "2024-01-01",
                                                   "amount": "1", "currency": "EUR"})  # fmt: skip


def test_a_deleted_customers_orders_disappear_from_lists(
    workspace: Any, make_person: Any, make_order: Any
) -> None:
    from rapport.people.services import person_delete

    ana = make_person()
    make_order(ana)
    person_delete(actor=workspace.rep, person=ana)
    assert not order_list(user=workspace.admin, flt=OrderFilter()).exists()


def test_update_and_delete_check_the_version(
    workspace: Any, make_person: Any, make_order: Any
) -> None:
    from rapport.core.errors import StaleVersion

    order = make_order(make_person())
    changed = order_update(actor=workspace.rep, order=order, data={"amount": "80"},
                           expected_version=1)  # fmt: skip
    assert changed.version == 2 and changed.amount == Decimal("80.00")
    with pytest.raises(StaleVersion):
        order_delete(actor=workspace.rep, order=order, expected_version=1)
    order_delete(actor=workspace.rep, order=order, expected_version=2)
    assert not Order.objects.exists()


CSV = """email,date,amount,currency,external_ref
ana@example.com,2024-01-05,19.90,EUR,A-1
ana@example.com,2024-02-05,25.00,,A-2
"""


def test_importing_the_same_file_twice_does_not_duplicate(workspace: Any, make_person: Any) -> None:
    # given a person with an e-mail
    make_person(emails=["ana@example.com"])
    # when the file is imported, then imported again with one amount changed
    first = import_orders_text(CSV, user=workspace.rep)
    again = import_orders_text(CSV.replace("25.00", "27.50"), user=workspace.rep)
    # then the second run updates one order and leaves the other alone
    assert (first.created, first.updated) == (2, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert sorted(Order.objects.values_list("amount", flat=True)) == [Decimal("19.90"),
                                                                      Decimal("27.50")]  # fmt: skip


def test_import_problems_name_line_and_column_and_nothing_is_written(
    workspace: Any, make_person: Any
) -> None:
    make_person(emails=["ana@example.com"])
    text = "email,date,amount\nana@example.com,2024-13-01,10\nnobody@example.com,2024-01-01,ten\n"
    report = import_orders_text(text, user=workspace.rep)
    problems = {(p.line, p.column) for p in report.problems}
    assert problems == {(2, "date"), (3, "amount")}
    assert not Order.objects.exists()
    # and a customer the importer cannot see is reported, not matched
    other = "email,date,amount\nsol@example.com,2024-01-01,10\n"
    make_person(emails=["sol@example.com"], actor=workspace.other_rep, team=workspace.south)
    report = import_orders_text(other, user=workspace.rep)
    assert [(p.line, p.column) for p in report.problems] == [(2, "email")]


def test_the_command_imports_and_dry_runs(
    workspace: Any, make_person: Any, tmp_path: Any, capsys: Any
) -> None:
    ana = make_person()
    path = tmp_path / "orders.csv"
    path.write_text(f"person_id,date,amount,external_ref\n{ana.pk},2024-01-05,10,X1\n")
    call_command("orders", "import", str(path), "--customer-key", "person_id", "--dry-run")
    assert not Order.objects.exists()
    call_command("orders", "import", str(path), "--customer-key", "person_id")
    assert Order.objects.get().person_id == ana.pk
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,amount\n1,2\n")
    with pytest.raises(CommandError):
        call_command("orders", "import", str(bad), "--customer-key", "person_id")
    assert "column date: this column is missing" in capsys.readouterr().err


def test_the_api_lists_with_filters_and_pages(
    workspace: Any, make_person: Any, make_order: Any, api_as: Any
) -> None:
    ana = make_person()
    for day in range(1, 6):
        make_order(ana, ordered_at=dt.date(2024, 1, day))
    client = api_as(workspace.rep)
    first = client.get("/api/v1/orders", {"limit": 2, "date_from": "2024-01-02"}).json()
    assert [o["ordered_at"] for o in first["results"]] == ["2024-01-05", "2024-01-04"]
    second = client.get(first["next"]).json()
    assert [o["ordered_at"] for o in second["results"]] == ["2024-01-03", "2024-01-02"]
    assert second["next"] is None


def test_the_api_creates_changes_with_if_match_and_deletes(
    workspace: Any, make_person: Any, api_as: Any
) -> None:
    ana = make_person()
    client = api_as(workspace.rep)
    created = client.post("/api/v1/orders", {"person_id": ana.pk, "ordered_at": "2024-02-01",
                                             "amount": "10", "currency": "EUR"},
                          content_type=JSON)  # fmt: skip
    assert created.status_code == 201, created.content
    url = created["Location"]
    etag = created["ETag"]
    stale = client.patch(url, {"amount": "11"}, content_type=JSON, headers={"If-Match": '"1-9"'})
    assert stale.status_code == 412
    ok = client.patch(url, {"amount": "11"}, content_type=JSON, headers={"If-Match": etag})
    assert ok.status_code == 200 and ok.json()["amount"] == "11.00"
    assert api_as(workspace.other_rep).get(url).status_code == 404
    assert api_as(workspace.viewer).delete(url).status_code == 403
    assert client.delete(url).status_code == 204


def test_pages_show_orders_and_the_panel(workspace: Any, make_person: Any, make_order: Any) -> None:
    ana = make_person(first_name="Ana")
    make_order(ana, amount="42.00")
    client = Client()
    client.force_login(workspace.rep)
    page = client.get("/sales/orders/")
    assert page.status_code == 200 and "42.00 EUR" in page.content.decode()
    panel = client.get(f"/sales/panel/person/{ana.pk}/")
    assert "42.00 EUR" in panel.content.decode()
    client.force_login(workspace.other_rep)
    assert client.get(f"/sales/panel/person/{ana.pk}/").status_code == 404


def test_the_upload_page_imports_a_file(workspace: Any, make_person: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_person(emails=["ana@example.com"])
    client = Client()
    client.force_login(workspace.rep)
    upload = SimpleUploadedFile("o.csv", CSV.encode(), content_type="text/csv")
    response = client.post("/sales/orders/import/", {"file": upload, "customer_key": "email",
                                                     "currency": "EUR", "source": "csv"})  # fmt: skip
    assert response.status_code == 200
    assert "2 orders were created" in response.content.decode()
    assert Order.objects.count() == 2
