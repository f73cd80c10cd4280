"""Organisation keys follow every save of an organisation.

The people services refresh a person's keys themselves; organisations are
saved by several services (create, edit, trash, restore, merge), so the
duplicates app listens instead of asking each of them to remember.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from rapport.dedupe.models import Entity, MatchKey, MatchProfile
from rapport.people.models import Organization


def organization_saved(
    sender: Any, instance: Organization, raw: bool = False, **kwargs: Any
) -> None:
    if raw:  # loading fixtures: the scan builds the keys
        return
    from rapport.dedupe.orgkeys import organization_keys_refresh

    organization_keys_refresh([instance.pk])


def organization_deleted(sender: Any, instance: Organization, **kwargs: Any) -> None:
    MatchKey.objects.filter(entity=Entity.ORGANIZATION, record_id=instance.pk).delete()
    MatchProfile.objects.filter(entity=Entity.ORGANIZATION, record_id=instance.pk).delete()


def connect() -> None:
    post_save.connect(organization_saved, sender=Organization, dispatch_uid="dedupe.org_keys")
    post_delete.connect(organization_deleted, sender=Organization, dispatch_uid="dedupe.org_gone")
