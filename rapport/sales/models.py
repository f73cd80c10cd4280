"""Products, orders and order lines. An order's customer is a person or an organisation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rapport.core.models import TimeStampedModel


class Product(TimeStampedModel):
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64, unique=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="EUR")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class OrderStatus(models.TextChoices):
    COMPLETED = "completed", "Completed"
    PENDING = "pending", "Pending"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


# Orders that count as purchases for the value models.
PURCHASE_STATUSES = (OrderStatus.COMPLETED, OrderStatus.PENDING)


class Order(TimeStampedModel):
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="orders"
    )
    organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="orders",
    )
    ordered_at = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, help_text="ISO 4217, e.g. EUR")
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.COMPLETED
    )
    # Where the order came from ("csv", "api", "demo", a shop's name) and its id there:
    # importing the same file twice updates rather than duplicates.
    source = models.CharField(max_length=50, blank=True)
    external_ref = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-ordered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="order_one_customer",
            ),
            models.UniqueConstraint(
                fields=["source", "external_ref"],
                condition=~Q(external_ref=""),
                name="order_external_ref_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_non_negative"),
        ]
        indexes = [
            models.Index(fields=["person", "-ordered_at"], name="order_person_idx"),
            models.Index(fields=["organization", "-ordered_at"], name="order_org_idx"),
            models.Index(fields=["-ordered_at", "-id"], name="order_date_idx"),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk} on {self.ordered_at}: {self.amount} {self.currency}"

    @property
    def customer(self) -> object:
        return self.person if self.person_id else self.organization

    @property
    def customer_kind(self) -> str:
        return "person" if self.person_id else "organization"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    description = models.CharField(max_length=200, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=1)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description or self.product}"
