"""Admin settings pages: users, teams and the workspace's visibility rule.

Sign-in, sign-out and password change are Django's own views with our
templates (see urls.py); django-axes guards the sign-in form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.accounts import services
from rapport.accounts.access import require_admin
from rapport.accounts.forms import TeamForm, UserCreateForm, UserEditForm, WorkspaceForm
from rapport.accounts.models import Team, User, WorkspaceSettings
from rapport.core.errors import Conflict, PermissionDenied, ValidationFailed

View = Callable[..., HttpResponse]


def admin_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert isinstance(request.user, User)  # the login middleware guarantees it
        try:
            require_admin(request.user)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.detail)) from exc
        return view(request, *args, **kwargs)

    return wrapper


def _form_errors(form: Any, exc: ValidationFailed | Conflict) -> None:
    if isinstance(exc.detail, str):
        form.add_error(None, exc.detail)
        return
    for key, field_messages in exc.detail.items():
        for message in field_messages:
            form.add_error(key if key in form.fields else None, message)


@admin_only
def settings_index_view(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:user_list")


@admin_only
@require_http_methods(["GET", "POST"])
def user_list_view(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            user, generated = services.user_create(
                username=cd["username"], role=cd["role"], password=cd["password"] or None,
                email=cd["email"], first_name=cd["first_name"], last_name=cd["last_name"],
                teams=list(cd["teams"]),
            )  # fmt: skip
        except (ValidationFailed, Conflict) as exc:
            _form_errors(form, exc)
        else:
            note = f" Their password (shown once): {generated}" if generated else ""
            messages.success(request, f"Added {user.username}.{note}")
            return redirect("accounts:user_list")
    users = User.objects.prefetch_related("teams").order_by("-is_active", "username")
    status = 422 if form.is_bound else 200
    return render(request, "accounts/users.html", {"form": form, "users": users}, status=status)


@admin_only
@require_http_methods(["GET", "POST"])
def user_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    initial = {"role": target.role, "teams": list(target.teams.all())}
    form = UserEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_role(user=target, role=form.cleaned_data["role"])
            services.user_set_teams(user=target, teams=list(form.cleaned_data["teams"]))
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Saved {target.username}.")
            return redirect("accounts:user_list")
    status = 422 if form.is_bound else 200
    return render(
        request, "accounts/user_edit.html", {"form": form, "target": target}, status=status
    )


@admin_only
@require_POST
def user_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    assert isinstance(request.user, User)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=target, active=active)
    except ValidationFailed as exc:
        if isinstance(exc.detail, str):
            detail = exc.detail
        else:
            detail = "; ".join(m for field_messages in exc.detail.values() for m in field_messages)
        messages.error(request, detail)
    else:
        messages.success(
            request, f"{'Reactivated' if active else 'Deactivated'} {target.username}."
        )
    return redirect("accounts:user_list")


@admin_only
@require_http_methods(["GET", "POST"])
def team_list_view(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_get_or_create(name=form.cleaned_data["name"])
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Team “{team.name}” is ready.")
            return redirect("accounts:team_list")
    teams = Team.objects.prefetch_related("members").order_by("name")
    status = 422 if form.is_bound else 200
    return render(request, "accounts/teams.html", {"form": form, "teams": teams}, status=status)


@admin_only
@require_http_methods(["GET", "POST"])
def workspace_view(request: HttpRequest) -> HttpResponse:
    current = WorkspaceSettings.current()
    form = WorkspaceForm(
        request.POST if request.method == "POST" else None,
        initial={"visibility": current.visibility},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_set_visibility(visibility=form.cleaned_data["visibility"])
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Saved the visibility setting.")
            return redirect("accounts:workspace")
    status = 422 if form.is_bound else 200
    return render(request, "accounts/workspace.html", {"form": form}, status=status)
