"""Owners and teams of templates and campaigns: the rules records follow.

A template or campaign belongs to an owner and a team like a person does, so
``rapport.accounts.access`` decides who sees it (``visible_to``) and who changes it
(``can_edit``). A new one belongs to its author, in the author's first team.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapport.accounts.access import assignable_owner_ok, can_edit
from rapport.accounts.models import Team, User


def set_default_owner(record: Any, actor: User) -> None:
    record.owner = actor
    if actor.team_ids and not actor.is_admin:
        record.team_id = min(actor.team_ids)


def assign_owner_team(
    *, actor: User, record: Any, data: Mapping[str, Any], errors: dict[str, list[str]], noun: str
) -> None:
    """Apply ``owner`` / ``team`` (ids or None) from ``data``, on the records' terms: reps
    and managers give things only to their teammates and teams, and never so that they
    could no longer change what they just saved (refused up front, not half-done)."""
    if "owner" in data:
        owner = data["owner"]
        if owner is not None and not isinstance(owner, User):
            owner = User.objects.filter(pk=owner, is_active=True).first()
            if owner is None:
                errors["owner_id"] = ["No active user with that id."]
        if owner is not None and not assignable_owner_ok(actor, owner):
            errors["owner_id"] = ["You can only assign this to yourself or members of your teams."]
        elif "owner_id" not in errors:
            record.owner = owner
    if "team" in data:
        team = data["team"]
        if team is not None and not isinstance(team, Team):
            team = Team.objects.filter(pk=team).first()
            if team is None:
                errors["team_id"] = ["No team with that id."]
        if team is not None and not actor.is_admin and team.pk not in actor.team_ids:
            errors["team_id"] = ["You can only assign this to your own teams."]
        elif "team_id" not in errors:
            record.team = team
    if ("owner" in data or "team" in data) and not errors and not can_edit(actor, record):
        errors["owner_id"] = [
            f"After this change you could no longer change the {noun}: keep yourself as its "
            "owner or keep it in one of your teams."
        ]
