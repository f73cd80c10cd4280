"""Forms for the people and organisation pages.

Forms only collect and shape input; the services validate and write. The
services' ``ValidationFailed.detail`` (field → messages) is put back onto the
form's fields with ``rapport.core.forms.add_service_errors`` so errors show next to the input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from rapport.accounts.models import Team, User
from rapport.core.params import MAX_INT
from rapport.people.models import (
    ConsentStatus,
    CustomFieldDefinition,
    CustomFieldEntity,
    CustomFieldType,
    LifecycleStage,
    Organization,
    OrganizationSize,
    Person,
    RelationshipType,
)
from rapport.people.normalize import phone_display

DateInput = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def assignable_owners(actor: User) -> QuerySet[User]:
    """Users ``actor`` may give a record to: anyone for admins, else self and team-mates."""
    users = User.objects.filter(is_active=True)
    if actor.is_admin:
        return users
    return users.filter(Q(pk=actor.pk) | Q(teams__in=list(actor.team_ids))).distinct()


def assignable_teams(actor: User) -> QuerySet[Team]:
    return (
        Team.objects.all() if actor.is_admin else Team.objects.filter(pk__in=list(actor.team_ids))
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def custom_formfield(definition: CustomFieldDefinition) -> forms.Field:
    """A type-appropriate form field for one admin-defined custom field."""
    common: dict[str, Any] = {"label": definition.label, "required": definition.required}
    kind = definition.field_type
    if kind == CustomFieldType.NUMBER:
        return forms.DecimalField(**common)
    if kind == CustomFieldType.DATE:
        return forms.DateField(widget=DateInput, **common)
    if kind == CustomFieldType.CHOICE:
        return forms.ChoiceField(
            choices=[("", "—"), *((c, c) for c in definition.choices)], **common
        )
    if kind == CustomFieldType.BOOLEAN:
        # A select, not a checkbox: "not answered" differs from "no".
        return forms.ChoiceField(choices=[("", "—"), ("true", "Yes"), ("false", "No")], **common)
    return forms.CharField(max_length=1000, **common)


def _custom_initial(definition: CustomFieldDefinition, value: Any) -> Any:
    if definition.field_type == CustomFieldType.BOOLEAN and isinstance(value, bool):
        return "true" if value else "false"
    return value


def _custom_for_service(value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class RecordForm(forms.Form):
    """What people and organisations share: owner, team, tags, custom fields, version."""

    entity: str = ""
    tags = forms.CharField(required=False, help_text="Separate tags with commas.")
    owner = UserChoiceField(queryset=User.objects.none(), required=False, empty_label="Nobody")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        actor: User,
        definitions: Iterable[CustomFieldDefinition],
        instance: Person | Organization | None = None,
        **kwargs: Any,
    ) -> None:
        self.actor = actor
        self.instance = instance
        self.definitions = list(definitions)
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        owners = assignable_owners(actor)
        teams = assignable_teams(actor)
        if instance is not None:
            # The current owner/team stay selectable even when the editor could not pick them.
            owners = User.objects.filter(Q(pk__in=owners.values("pk")) | Q(pk=instance.owner_id))
            teams = Team.objects.filter(Q(pk__in=teams.values("pk")) | Q(pk=instance.team_id))
        self.fields["owner"].queryset = owners.order_by("first_name", "last_name", "username")  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams.order_by("name")  # type: ignore[attr-defined]
        for definition in self.definitions:
            self.fields[f"cf_{definition.key}"] = custom_formfield(definition)
        self.fields["version"] = self.fields.pop("version")
        if instance is None:
            self.initial.setdefault("owner", actor.pk)
            if actor.team_ids and not actor.is_admin:
                self.initial.setdefault("team", min(actor.team_ids))
        else:
            self.initial.update(
                owner=instance.owner_id,
                team=instance.team_id,
                version=instance.version,
                tags=", ".join(t.name for t in instance.tags.all()),
            )
            for definition in self.definitions:
                value = instance.custom_fields.get(definition.key)
                self.initial[f"cf_{definition.key}"] = _custom_initial(definition, value)

    @property
    def custom_field_names(self) -> list[str]:
        return [f"cf_{d.key}" for d in self.definitions]

    def custom_fields_bound(self) -> list[forms.BoundField]:
        return [self[name] for name in self.custom_field_names]

    def expected_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        return int(value) if value is not None else None

    def common_data(self) -> dict[str, Any]:
        cd = self.cleaned_data
        data: dict[str, Any] = {
            "tags": _lines(cd.get("tags") or ""),
            "custom_fields": {
                d.key: _custom_for_service(cd.get(f"cf_{d.key}")) for d in self.definitions
            },
        }
        owner, team = cd.get("owner"), cd.get("team")
        # Only send owner/team when they change: the service checks the editor may
        # assign them, which would wrongly reject an untouched value someone else set.
        if self.instance is None or (owner.pk if owner else None) != self.instance.owner_id:
            data["owner"] = owner
        if self.instance is None or (team.pk if team else None) != self.instance.team_id:
            data["team"] = team
        return data


ADDRESS_FIELDS = ("street", "city", "region", "postcode", "country")


class PersonForm(RecordForm):
    entity = CustomFieldEntity.PERSON
    # The service reports affiliation problems on "organizations"; the first row shows them.
    service_error_fields = {"organizations": "organization_0"}
    honorific = forms.CharField(max_length=20, required=False)
    first_name = forms.CharField(max_length=100, required=False)
    middle_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    suffix = forms.CharField(max_length=20, required=False)
    title = forms.CharField(max_length=150, required=False, label="Job title")
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="E-mail addresses",
        help_text="One per line; the first is the primary address.",
    )  # fmt: skip
    phones = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Phone numbers",
        help_text="One per line, with the country code if not local (e.g. +44 20 7946 0958).",
    )  # fmt: skip
    birthday = forms.DateField(required=False, widget=DateInput)
    source = forms.CharField(max_length=100, required=False)
    lifecycle_stage = forms.ChoiceField(
        choices=LifecycleStage.choices, initial=LifecycleStage.PROSPECT
    )
    email_consent = forms.ChoiceField(
        choices=ConsentStatus.choices, initial=ConsentStatus.UNKNOWN, label="E-mail consent"
    )
    email_consent_method = forms.CharField(
        max_length=200,
        required=False,
        label="How consent was given",
        help_text="e.g. web form, signed card",
    )
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=20, required=False)
    country = forms.CharField(max_length=2, required=False, help_text="Two-letter code, e.g. US")

    NAME_FIELDS = ("honorific", "first_name", "middle_name", "last_name", "suffix")
    TEXT_FIELDS = (*NAME_FIELDS, "title", "source", "email_consent_method", *ADDRESS_FIELDS)

    def __init__(
        self, *args: Any, org_choices: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        person = self.instance
        current: list[tuple[int, str, str]] = []
        # Affiliations with organisations the editor may not see: neither named nor
        # offered here, and kept as they are when the form is saved.
        self.hidden_affiliations = 0
        if isinstance(person, Person):
            for a in person.affiliations.all():
                if a.organization_hidden:
                    self.hidden_affiliations += 1
                else:
                    current.append((a.organization_id, a.organization.name, a.role))
            self.initial.update({f: getattr(person, f) for f in self.TEXT_FIELDS})
            self.initial.update(
                emails="\n".join(e.email for e in person.emails.all()),
                phones="\n".join(phone_display(p.number) for p in person.phones.all()),
                birthday=person.birthday,
                lifecycle_stage=person.lifecycle_stage,
                email_consent=person.email_consent,
            )
        choices = dict(org_choices)
        choices.update({org_id: name for org_id, name, _ in current})
        org_field_choices = [("", "—"), *sorted(choices.items(), key=lambda kv: kv[1].lower())]
        posted = [k for k in (self.data or {}) if k.startswith("organization_")]
        rows = max(len(current) + 1, 2, len(posted))
        self.affiliation_rows: list[tuple[str, str]] = []
        for i in range(rows):
            org_name, role_name = f"organization_{i}", f"role_{i}"
            self.fields[org_name] = forms.TypedChoiceField(
                choices=org_field_choices, coerce=int, empty_value=None, required=False,
                label="Organisation",
            )  # fmt: skip
            self.fields[role_name] = forms.CharField(max_length=150, required=False, label="Role")
            if i < len(current):
                self.initial[org_name], _, self.initial[role_name] = current[i]
            self.affiliation_rows.append((org_name, role_name))

    def affiliations_bound(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[o], self[r]) for o, r in self.affiliation_rows]

    def to_service_data(self) -> dict[str, Any]:
        cd = self.cleaned_data
        data = {f: cd.get(f) or "" for f in self.TEXT_FIELDS}
        data.update(
            emails=[line.strip() for line in (cd.get("emails") or "").splitlines() if line.strip()],
            phones=[line.strip() for line in (cd.get("phones") or "").splitlines() if line.strip()],
            birthday=cd.get("birthday"),
            lifecycle_stage=cd["lifecycle_stage"],
            email_consent=cd["email_consent"],
            organizations=[
                {"organization_id": cd[o], "role": cd.get(r) or ""}
                for o, r in self.affiliation_rows
                if cd.get(o)
            ],
        )
        data.update(self.common_data())
        return data


class OrganizationForm(RecordForm):
    entity = CustomFieldEntity.ORGANIZATION
    name = forms.CharField(max_length=200)
    domain = forms.CharField(max_length=253, required=False, help_text="e.g. example.com")
    phone = forms.CharField(
        max_length=40, required=False, help_text="The main number; add the country code, e.g. +44"
    )
    industry = forms.CharField(max_length=100, required=False)
    size = forms.ChoiceField(choices=OrganizationSize.choices, required=False, label="Employees")
    relationship_type = forms.ChoiceField(
        choices=RelationshipType.choices, initial=RelationshipType.PROSPECT
    )
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=20, required=False)
    country = forms.CharField(max_length=2, required=False, help_text="Two-letter code, e.g. US")

    TEXT_FIELDS = ("name", "domain", "phone", "industry", *ADDRESS_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = self.instance
        if isinstance(org, Organization):
            self.initial.update({f: getattr(org, f) for f in self.TEXT_FIELDS})
            self.initial.update(size=org.size, relationship_type=org.relationship_type,
                                phone=phone_display(org.phone) if org.phone else "")  # fmt: skip

    def to_service_data(self) -> dict[str, Any]:
        cd = self.cleaned_data
        data = {f: cd.get(f) or "" for f in self.TEXT_FIELDS}
        data.update(size=cd.get("size") or "", relationship_type=cd["relationship_type"])
        data.update(self.common_data())
        return data


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("tag", "Add tags"),
        ("owner", "Assign owner"),
        ("stage", "Change stage"),
        ("delete", "Delete"),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    tags = forms.CharField(required=False, max_length=200)
    owner = forms.CharField(required=False)
    stage = forms.ChoiceField(choices=[("", "—"), *LifecycleStage.choices], required=False)

    def selected_ids(self) -> list[int]:
        ids: list[int] = []
        for raw in self.data.getlist("ids") if hasattr(self.data, "getlist") else []:
            try:
                ids.append(int(raw))
            except (TypeError, ValueError):
                continue
        return ids

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        action = cd.get("action")
        if action == "tag" and not _lines(cd.get("tags") or ""):
            self.add_error("tags", "Name at least one tag.")
        if action == "stage" and not cd.get("stage"):
            self.add_error("stage", "Choose a stage.")
        if not self.selected_ids():
            raise forms.ValidationError("Select at least one row.")
        return cd

    def tag_names(self) -> list[str]:
        return _lines(self.cleaned_data.get("tags") or "")


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=100)
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)


class CustomFieldForm(forms.Form):
    """Create (all fields) or edit (label, choices, required, position) a custom field."""

    entity = forms.ChoiceField(choices=CustomFieldEntity.choices, label="Record type")
    key = forms.SlugField(
        max_length=50,
        help_text="Lower-case letters, digits and underscores; used in the API and filters.",
    )
    label = forms.CharField(max_length=100)
    field_type = forms.ChoiceField(choices=CustomFieldType.choices, label="Type")
    choices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For choice fields: one per line.",
    )
    required = forms.BooleanField(required=False)
    position = forms.IntegerField(
        min_value=0, max_value=MAX_INT, initial=0, required=False, help_text="Lower comes first."
    )

    FIXED = ("entity", "key", "field_type")

    def __init__(
        self, *args: Any, instance: CustomFieldDefinition | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            for name in self.FIXED:
                del self.fields[name]
            self.initial.update(
                label=instance.label, choices="\n".join(instance.choices),
                required=instance.required, position=instance.position,
            )  # fmt: skip

    def to_service_data(self) -> dict[str, Any]:
        cd = self.cleaned_data
        data = {
            "label": cd["label"],
            "choices": [c.strip() for c in (cd.get("choices") or "").splitlines() if c.strip()],
            "required": bool(cd.get("required")),
            "position": cd.get("position") or 0,
        }
        if self.instance is None:
            data.update(entity=cd["entity"], key=cd["key"], field_type=cd["field_type"])
        return data
