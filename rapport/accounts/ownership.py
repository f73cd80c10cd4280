"""Giving a record (person, organisation, template, campaign) an owner and a team.

One rule for every kind of record: reps and managers give things only to their
teammates and their own teams; admins to anyone. Errors go under the caller's keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapport.accounts.access import assignable_owner_ok
from rapport.accounts.models import Team, User


def apply_owner_team(
    *, actor: User, record: Any, data: Mapping[str, Any], errors: dict[str, list[str]],
    owner_key: str = "owner", team_key: str = "team", what: str = "records",
) -> None:  # fmt: skip
    """Set ``owner`` / ``team`` (users, teams, their ids or None) from ``data``."""
    if "owner" in data:
        owner = data["owner"]
        if owner is not None and not isinstance(owner, User):
            owner = User.objects.filter(pk=owner, is_active=True).first()
            if owner is None:
                errors[owner_key] = ["No active user with that id."]
        if owner is not None and not assignable_owner_ok(actor, owner):
            errors[owner_key] = [
                f"You can only assign {what} to yourself or members of your teams."
            ]
        elif owner_key not in errors:
            record.owner = owner
    if "team" in data:
        team = data["team"]
        if team is not None and not isinstance(team, Team):
            team = Team.objects.filter(pk=team).first()
            if team is None:
                errors[team_key] = ["No team with that id."]
        if team is not None and not actor.is_admin and team.pk not in actor.team_ids:
            errors[team_key] = [f"You can only assign {what} to your own teams."]
        elif team_key not in errors:
            record.team = team
