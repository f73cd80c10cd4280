"""Page forms: they parse what was typed; the services decide what is acceptable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from rapport.campaigns.models import AudienceKind, EmailTemplate, TemplateKind

# The fields themselves are listed beside the form (campaigns/_merge_fields.html).
MERGE_HELP = (
    "Merge fields such as {{ person.first_name }} or {{ scores.clv }}; a fallback for empty "
    'values: {{ person.first_name|default:"there" }}.'
)


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=TemplateKind.choices, initial=TemplateKind.MARKETING)
    subject = forms.CharField(max_length=300)
    body_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}), label="Text", help_text=MERGE_HELP
    )
    body_html = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, label="HTML (optional)",
        help_text="Values are HTML-escaped when merged.",
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def to_service_data(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k] for k in ("name", "kind", "subject", "body_text", "body_html")
        }


class ComposeForm(forms.Form):
    template_id = forms.ModelChoiceField(
        queryset=EmailTemplate.objects.all(), required=False, empty_label="— write a message —",
        label="Template",
    )  # fmt: skip
    kind = forms.ChoiceField(choices=TemplateKind.choices, initial=TemplateKind.TRANSACTIONAL)
    subject = forms.CharField(max_length=300, required=False)
    body_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), required=False,
                                label="Message", help_text=MERGE_HELP)  # fmt: skip

    def __init__(
        self, *args: Any, templates: QuerySet[EmailTemplate] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if templates is not None:  # the templates the sender may see
            field = self.fields["template_id"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = templates

    def to_service_data(self) -> dict[str, Any]:
        template = self.cleaned_data.get("template_id")
        if template is not None:
            return {"template_id": template.pk}
        return {k: self.cleaned_data.get(k) or "" for k in ("kind", "subject", "body_text")}


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    template_id = forms.ModelChoiceField(
        queryset=EmailTemplate.objects.filter(kind=TemplateKind.MARKETING), label="Template"
    )
    audience_kind = forms.ChoiceField(
        choices=AudienceKind.choices, widget=forms.RadioSelect, label="Audience"
    )
    segment_id = forms.IntegerField(required=False, label="Segment", widget=forms.Select)
    person_ids = forms.CharField(required=False, label="People (ids, comma-separated)")
    people_filter = forms.CharField(
        required=False, label="…or the People list's filter",
        help_text="Paste the part of the People list's address after '?', e.g. tag=vip&stage=customer.",
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        segments: list[tuple[int, str]],
        templates: QuerySet[EmailTemplate] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment_id"].widget.choices = [("", "—"), *segments]
        if templates is not None:  # the templates the author may see
            field = self.fields["template_id"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = templates.filter(kind=TemplateKind.MARKETING)

    def to_service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.cleaned_data["name"],
            "template_id": self.cleaned_data["template_id"].pk,
            "audience_kind": self.cleaned_data["audience_kind"],
        }
        if data["audience_kind"] == AudienceKind.SEGMENT:
            data["segment_id"] = self.cleaned_data.get("segment_id")
        elif self.cleaned_data.get("people_filter"):
            data["people_filter"] = self.cleaned_data["people_filter"]
        elif self.cleaned_data.get("person_ids"):
            raw = self.cleaned_data["person_ids"].replace(";", ",").split(",")
            data["person_ids"] = [p.strip() for p in raw if p.strip()]
        return data


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        required=False, label="Send at", help_text="Leave empty to send now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )  # fmt: skip


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".eml,message/rfc822"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    eml = MultipleFileField(label=".eml files")
