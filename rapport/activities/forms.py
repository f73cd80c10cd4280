"""Forms for the timeline's inline entries, tasks and preferences (input parsing only)."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.accounts.models import User
from rapport.activities.models import Priority, Recurrence

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000,
                           help_text="**bold**, *italic*, `code`, - lists, [links](https://…), @username to notify")  # fmt: skip

    def to_service_data(self) -> dict[str, Any]:
        return {"body": self.cleaned_data["body"]}


class CallForm(forms.Form):
    subject = forms.CharField(label="About", max_length=300)
    occurred_at = forms.DateTimeField(label="When", required=False, widget=DATETIME_INPUT)
    duration_minutes = forms.IntegerField(
        label="Minutes", required=False, min_value=0, max_value=1440
    )
    outcome = forms.CharField(label="Outcome", required=False, max_length=100)
    body = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=20_000)  # fmt: skip

    def to_service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "") or k == "body"}


class MeetingForm(CallForm):
    pass


class TaskForm(forms.Form):
    title = forms.CharField(max_length=300)
    due_at = forms.DateTimeField(label="Due", required=False, widget=DATETIME_INPUT)
    assignee = forms.ChoiceField(label="Assignee", required=False)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    recurrence = forms.ChoiceField(
        label="Repeats", choices=Recurrence.choices, initial=Recurrence.NONE
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=20_000
    )

    def __init__(self, *args: Any, assignees: list[User], actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(u.pk), u.display_name) for u in assignees]
        if not self.is_bound and "assignee" not in self.initial:
            self.initial["assignee"] = str(actor.pk)

    def to_service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["assignee"] = data.get("assignee") or None
        return data


class SnoozeForm(forms.Form):
    until = forms.DateTimeField(label="Snooze until", widget=DATETIME_INPUT)


class PreferenceForm(forms.Form):
    email_reminders = forms.BooleanField(label="E-mail me my task reminders", required=False)
    email_mentions = forms.BooleanField(label="E-mail me when someone mentions me or gives me a task",
                                        required=False)  # fmt: skip
