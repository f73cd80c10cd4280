"""Forms for the admin settings pages (users, teams, workspace)."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.accounts.models import Role, Team, Visibility


class TeamsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Team.objects.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=150, label="User name")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False, label="E-mail")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REP)
    teams = TeamsField()
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Leave empty to generate one; it is shown once.",
    )


class UserEditForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    teams = TeamsField()


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)


class WorkspaceForm(forms.Form):
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text="Admins see everything; managers see their teams' records; viewers see what a rep would.",
    )
