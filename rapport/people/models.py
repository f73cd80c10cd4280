"""People, organisations, how they relate, tags and custom field definitions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.core.entities import entity_choices
from rapport.core.models import OwnedRecord, TimeStampedModel


class LifecycleStage(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    CUSTOMER = "customer", "First-time customer"
    REPEAT = "repeat", "Repeat customer"
    LOYAL = "loyal", "Loyal / advocate"
    AT_RISK = "at_risk", "At risk"
    LAPSED = "lapsed", "Lapsed"
    WON_BACK = "won_back", "Won back"


class ConsentStatus(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    GRANTED = "granted", "Opted in"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RelationshipType(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    PROSPECT = "prospect", "Prospect"
    PARTNER = "partner", "Partner"
    SUPPLIER = "supplier", "Supplier"
    INVESTOR = "investor", "Investor"
    OTHER = "other", "Other"


class OrganizationSize(models.TextChoices):
    UNKNOWN = "", "Unknown"
    MICRO = "1-9", "1–9"
    SMALL = "10-49", "10–49"
    MEDIUM = "50-249", "50–249"
    LARGE = "250-999", "250–999"
    ENTERPRISE = "1000+", "1000+"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Address(models.Model):
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 two-letter code")

    class Meta:
        abstract = True

    @property
    def address_text(self) -> str:
        parts = [
            self.street,
            " ".join(p for p in (self.postcode, self.city) if p),
            self.region,
            self.country,
        ]
        return ", ".join(p for p in parts if p)


class Organization(OwnedRecord, Address):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, blank=True, db_index=True)
    # The switchboard number, E.164 like PersonPhone.number (blank when unknown).
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    industry = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=10, blank=True, choices=OrganizationSize.choices)
    relationship_type = models.CharField(
        max_length=16, choices=RelationshipType.choices, default=RelationshipType.PROSPECT
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="organizations")
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(Lower("name"), "id", name="org_name_idx"),
            models.Index(fields=["-updated_at", "-id"], name="org_updated_idx"),
            models.Index(fields=["owner", "-updated_at"], name="org_owner_idx"),
            models.Index(fields=["team", "-updated_at"], name="org_team_idx"),
            models.Index(fields=["relationship_type", "-updated_at"], name="org_reltype_idx"),
            # An import flags a row whose phone another organisation already has.
            models.Index(fields=["phone"], name="org_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(OwnedRecord, Address):
    honorific = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=20, blank=True)
    # The primary e-mail and phone are copied here so lists show them without a join.
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=150, blank=True)
    birthday = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=100, blank=True)
    lifecycle_stage = models.CharField(
        max_length=16, choices=LifecycleStage.choices, default=LifecycleStage.PROSPECT
    )
    email_consent = models.CharField(
        max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.UNKNOWN
    )
    email_consent_at = models.DateTimeField(null=True, blank=True)
    email_consent_method = models.CharField(max_length=200, blank=True)
    organizations: models.ManyToManyField[Organization, Affiliation] = models.ManyToManyField(
        Organization, through="Affiliation", blank=True, related_name="people"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name_plural = "people"
        indexes = [
            models.Index(Lower("last_name"), Lower("first_name"), "id", name="person_name_idx"),
            models.Index(fields=["-updated_at", "-id"], name="person_updated_idx"),
            models.Index(fields=["owner", "-updated_at"], name="person_owner_idx"),
            models.Index(fields=["team", "-updated_at"], name="person_team_idx"),
            models.Index(fields=["lifecycle_stage", "-updated_at"], name="person_stage_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        parts = (self.honorific, self.first_name, self.middle_name, self.last_name, self.suffix)
        return " ".join(p for p in parts if p) or self.email or f"Person {self.pk}"


class PersonEmail(models.Model):
    # The unique (person, …) constraint's index serves lookups by person.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="emails", db_index=False
    )
    email = models.CharField(max_length=254)
    label = models.CharField(max_length=30, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "email"], name="person_email_unique"),
        ]
        indexes = [models.Index(fields=["email"], name="personemail_email_idx")]

    def __str__(self) -> str:
        return self.email


class PersonPhone(models.Model):
    # The unique (person, …) constraint's index serves lookups by person.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="phones", db_index=False
    )
    number = models.CharField(max_length=20, help_text="E.164")
    label = models.CharField(max_length=30, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="person_phone_unique"),
        ]
        indexes = [models.Index(fields=["number"], name="personphone_number_idx")]

    def __str__(self) -> str:
        return self.number


# What an affiliation shows instead of the name of an organisation the reader may not see.
HIDDEN_ORGANIZATION = "an organisation you cannot see"


class Affiliation(models.Model):
    """A person's role at an organisation (a person may have several)."""

    # The unique (person, …) constraint's index serves lookups by person.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="affiliations", db_index=False
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(max_length=150, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "organization"], name="affiliation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.organization_id} ({self.role})"

    @property
    def organization_hidden(self) -> bool:
        """Whether the reader may not see the organisation: set on rows read through
        ``rapport.people.selectors.affiliations_seen_by`` (rows read otherwise show it)."""
        return not getattr(self, "organization_visible", True)

    @property
    def organization_label(self) -> str:
        """The organisation's name, or ``HIDDEN_ORGANIZATION`` for a reader who may not see it."""
        return HIDDEN_ORGANIZATION if self.organization_hidden else self.organization.name


class CustomFieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    CHOICE = "choice", "Choice"
    BOOLEAN = "boolean", "Yes/no"


class CustomFieldDefinition(TimeStampedModel):
    entity = models.CharField(max_length=16, choices=entity_choices)
    key = models.SlugField(max_length=50, help_text="Used in the API and in filters")
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=16, choices=CustomFieldType.choices)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["entity", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "key"], name="customfield_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_entity_display()}: {self.label}"


class SavedView(models.Model):
    """A user's named list filter (the list page's query string)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    entity = models.CharField(max_length=16, choices=entity_choices)
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "entity", "name"], name="savedview_unique"),
        ]

    def __str__(self) -> str:
        return self.name
