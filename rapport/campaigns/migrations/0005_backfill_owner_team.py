"""Give existing templates and campaigns an owner and a team, as a record gets when it is
created: the creator owns it, in the creator's first team (an admin's stays without a
team, as their records do). Without a known creator both stay empty: only admins see
it until someone assigns it."""

from typing import Any

from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    user_model = apps.get_model("accounts", "User")
    for name in ("EmailTemplate", "Campaign"):
        model = apps.get_model("campaigns", name)
        creators = model.objects.filter(owner__isnull=True, created_by__isnull=False)
        for creator_id in creators.values_list("created_by_id", flat=True).distinct():
            creator = user_model.objects.get(pk=creator_id)
            is_admin = creator.role == "admin" or creator.is_superuser
            team_ids = sorted(creator.teams.values_list("id", flat=True))
            team_id = team_ids[0] if team_ids and not is_admin else None
            creators.filter(created_by_id=creator_id).update(owner_id=creator_id, team_id=team_id)


def forget(apps: Any, schema_editor: Any) -> None:
    for name in ("EmailTemplate", "Campaign"):
        apps.get_model("campaigns", name).objects.update(owner=None, team=None)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_owner_team")]

    operations = [migrations.RunPython(backfill, forget)]
