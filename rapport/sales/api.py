"""/orders: list (cursor-paginated, filtered), read, create, change and delete orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from rapport.api.auth import current_user
from rapport.api.concurrency import conditional_get, etag_for, expected_version
from rapport.api.pagination import paginate
from rapport.api.responses import ERRORS, WRITE_ERRORS
from rapport.api.types import ApiDate, DbId, QueryId
from rapport.sales.models import Order, OrderStatus
from rapport.sales.selectors import OrderFilter, order_detail, order_list
from rapport.sales.services import order_create, order_delete, order_update

router = Router(tags=["orders"])


class OrderListParams(Schema):
    person: QueryId | None = Field(None, description="Orders of this person id.")
    organization: QueryId | None = Field(None, description="Orders of this organisation id.")
    date_from: dt.date | None = Field(None, description="Ordered on or after (YYYY-MM-DD).")
    date_to: dt.date | None = Field(None, description="Ordered on or before (YYYY-MM-DD).")
    status: OrderStatus | None = None
    currency: str | None = Field(None, description="ISO 4217 code.")
    sort: Literal["-date", "date"] = "-date"
    limit: int = Field(50, ge=1, le=200, description="Rows per page (at most 200).")
    cursor: str | None = Field(None, description="The opaque cursor from a previous page's `next`.")


class OrderLineOut(Schema):
    product_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal


class OrderOut(Schema):
    id: int
    person_id: int | None
    organization_id: int | None
    ordered_at: dt.date
    amount: Decimal
    currency: str
    status: str
    source: str
    external_ref: str
    note: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class OrderDetailOut(OrderOut):
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj: Order) -> list[Any]:
        return list(obj.lines.all())


class OrderPage(Schema):
    results: list[OrderOut]
    next: str | None = Field(description="The URL of the next page, or null on the last page.")


class OrderLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    product_id: DbId | None = None
    sku: str | None = None
    description: str = ""
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = Field(None, description="Defaults to the product's price.")


class OrderIn(Schema):
    """An order to create, or the fields to change (send only those)."""

    model_config = ConfigDict(extra="forbid")

    person_id: DbId | None = Field(None, description="The customer: a person id…")
    organization_id: DbId | None = Field(None, description="…or an organisation id (not both).")
    ordered_at: ApiDate | None = None
    amount: Decimal | None = Field(None, description="Defaults to the sum of the lines.")
    currency: str | None = Field(None, description="ISO 4217, e.g. EUR.")
    status: OrderStatus | None = None
    source: str | None = None
    external_ref: str | None = Field(None, description="Unique per source.")
    note: str | None = None
    lines: list[OrderLineIn] | None = Field(None, description="Replaces all lines.")

    def to_service_data(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True)
        for api_name, name in (("person_id", "person"), ("organization_id", "organization")):
            if api_name in data:
                data[name] = data.pop(api_name)
        if isinstance(data.get("status"), OrderStatus):
            data["status"] = data["status"].value
        return data


def _fresh(request: HttpRequest, order_id: int, response: HttpResponse) -> Order:
    order = order_detail(user=current_user(request), pk=order_id)
    response["ETag"] = etag_for(order)
    return order


@router.get("/orders", response={200: OrderPage, **ERRORS}, summary="List orders")
def list_orders(request: HttpRequest, filters: Query[OrderListParams]) -> dict[str, object]:
    """Orders of the people and organisations you may see, newest first."""
    flt = OrderFilter.from_params(request.GET)
    qs = order_list(user=current_user(request), flt=flt)
    page = paginate(request, qs, sort=flt.sort, limit=filters.limit)
    return {"results": page.items, "next": page.next_url}


@router.post("/orders", response={201: OrderDetailOut, **WRITE_ERRORS}, summary="Create an order")
def create_order(request: HttpRequest, payload: OrderIn, response: HttpResponse) -> Status[Order]:
    data = payload.to_service_data()
    data.setdefault("source", "api")
    order = order_create(actor=current_user(request), data=data)
    response["Location"] = request.build_absolute_uri(f"{request.path}/{order.pk}")
    return Status(201, _fresh(request, order.pk, response))


@router.get(
    "/orders/{order_id}",
    response={200: OrderDetailOut, 304: None, **ERRORS},
    summary="Get an order",
)
def get_order(request: HttpRequest, order_id: int, response: HttpResponse) -> Order | HttpResponse:
    order = order_detail(user=current_user(request), pk=order_id)
    if (not_modified := conditional_get(request, response, order)) is not None:
        return not_modified
    return order


@router.patch(
    "/orders/{order_id}", response={200: OrderDetailOut, **WRITE_ERRORS}, summary="Change an order"
)
def update_order(
    request: HttpRequest, order_id: int, payload: OrderIn, response: HttpResponse
) -> Order:
    """Changes only the fields sent. `If-Match: <ETag>` is optional; a stale one gives 412."""
    user = current_user(request)
    order = order_detail(user=user, pk=order_id)
    version = expected_version(request, order)
    order_update(actor=user, order=order, data=payload.to_service_data(), expected_version=version)
    return _fresh(request, order_id, response)


@router.delete(
    "/orders/{order_id}", response={204: None, **WRITE_ERRORS}, summary="Delete an order"
)
def delete_order(request: HttpRequest, order_id: int) -> Status[None]:
    """Deletes the order for good (the audit trail keeps what it was)."""
    user = current_user(request)
    order = order_detail(user=user, pk=order_id)
    version = expected_version(request, order)
    order_delete(actor=user, order=order, expected_version=version)
    return Status(204, None)
