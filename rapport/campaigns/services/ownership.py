"""Owners and teams of templates and campaigns: the rules records follow.

A template or campaign belongs to an owner and a team like a person does, so
``rapport.accounts.access`` decides who sees it (``visible_to``) and who changes it
(``can_edit``). A new one belongs to its author, in the author's first team.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapport.accounts.access import can_edit
from rapport.accounts.models import User
from rapport.accounts.ownership import apply_owner_team


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
    apply_owner_team(actor=actor, record=record, data=data, errors=errors, owner_key="owner_id",
                     team_key="team_id", what="this")  # fmt: skip
    if ("owner" in data or "team" in data) and not errors and not can_edit(actor, record):
        errors["owner_id"] = [
            f"After this change you could no longer change the {noun}: keep yourself as its "
            "owner or keep it in one of your teams."
        ]
