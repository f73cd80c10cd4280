"""Writes for people: create, update, delete, restore."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rapport.accounts.access import require_writer
from rapport.accounts.models import User
from rapport.core.audit import diff_snapshots
from rapport.core.errors import ValidationFailed
from rapport.core.events import emit
from rapport.core.locking import check_version, column_values
from rapport.core.models import AuditAction
from rapport.people.custom_fields import clean_custom_fields
from rapport.people.limits import check_limit
from rapport.people.models import (
    Affiliation,
    ConsentStatus,
    LifecycleStage,
    Organization,
    Person,
    PersonEmail,
    PersonPhone,
)
from rapport.people.normalize import clean_text, normalize_email, normalize_phone
from rapport.people.search import build_search_text
from rapport.people.services.common import (
    apply_text,
    assign_owner_team,
    choice,
    clean_list,
    lock_for_update,
    save_changes,
    soft_delete,
    tags_get_or_create,
)

SEARCH_BATCH = 1_000  # people a query when many people's search text is rewritten
PERSON_TEXT_FIELDS = {
    "honorific": 20, "first_name": 100, "middle_name": 100, "last_name": 100, "suffix": 20,
    "title": 150, "source": 100, "email_consent_method": 200,
    "street": 200, "city": 100, "region": 100, "postcode": 20, "country": 2,
}  # fmt: skip


def _person_snapshot(person: Person) -> dict[str, Any]:
    snap = {f: getattr(person, f) for f in PERSON_TEXT_FIELDS}
    snap.update(
        birthday=person.birthday, lifecycle_stage=person.lifecycle_stage, email_consent=person.email_consent,
        email_consent_at=person.email_consent_at, owner=person.owner_id, team=person.team_id,
        custom_fields=dict(person.custom_fields),
    )  # fmt: skip
    if person.pk:
        snap["emails"] = list(person.emails.values_list("email", flat=True))
        snap["phones"] = list(person.phones.values_list("number", flat=True))
        snap["tags"] = sorted(person.tags.values_list("name", flat=True))
        snap["organizations"] = sorted(
            f"{a.organization_id}:{a.role}" for a in person.affiliations.all()
        )
    return snap


def _apply_person(*, actor: User, person: Person, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and apply ``data`` to ``person`` (unsaved). Returns the related-row changes."""
    errors: dict[str, list[str]] = {}
    apply_text(person, data, PERSON_TEXT_FIELDS, errors)
    choice(person, "lifecycle_stage", data, LifecycleStage.values, errors)
    if "email_consent" in data:
        before = person.email_consent
        choice(person, "email_consent", data, ConsentStatus.values, errors)
        if person.email_consent != before and "email_consent_at" not in data:
            person.email_consent_at = timezone.now()
    if "email_consent_at" in data:
        person.email_consent_at = data["email_consent_at"]
    if "birthday" in data:
        person.birthday = data["birthday"]
    assign_owner_team(actor=actor, record=person, data=data, errors=errors)
    related: dict[str, Any] = {}
    # Counted as sent, before the (costly) cleaning of a list too long to keep anyway.
    if "emails" in data and check_limit("emails", data["emails"], errors):
        related["emails"] = clean_list(data["emails"], normalize_email, "emails", errors)
    if "phones" in data and check_limit("phones", data["phones"], errors):
        related["phones"] = clean_list(data["phones"], normalize_phone, "phones", errors)
    if "custom_fields" in data:
        try:
            person.custom_fields = clean_custom_fields(
                entity="person", values=data["custom_fields"], existing=person.custom_fields
            )
        except ValidationFailed as exc:
            errors.update(
                exc.detail if isinstance(exc.detail, dict) else {"custom_fields": [exc.detail]}
            )
    if "tags" in data and check_limit("tags", data["tags"], errors):
        related["tags"] = data["tags"]
    if "organizations" in data and check_limit("organizations", data["organizations"], errors):
        related["organizations"] = data["organizations"]
    if (
        not any((person.first_name, person.last_name))
        and not related.get("emails")
        and not person.email
    ):
        errors.setdefault("first_name", []).append("Give at least a name or an e-mail address.")
    if errors:
        raise ValidationFailed(errors)
    return related


def _save_person_related(
    *, person: Person, related: Mapping[str, Any], keep_org_ids: frozenset[int] = frozenset()
) -> None:
    """Replace the lists in ``related``; affiliations with ``keep_org_ids`` (organisations
    the editor may not see) stay as they are, primary flag included."""
    if "emails" in related:
        person.emails.all().delete()
        PersonEmail.objects.bulk_create(
            PersonEmail(person=person, email=e, is_primary=i == 0)
            for i, e in enumerate(related["emails"])
        )
        person.email = related["emails"][0] if related["emails"] else ""
    if "phones" in related:
        person.phones.all().delete()
        PersonPhone.objects.bulk_create(
            PersonPhone(person=person, number=p, is_primary=i == 0)
            for i, p in enumerate(related["phones"])
        )
        person.phone = related["phones"][0] if related["phones"] else ""
    if "tags" in related:
        person.tags.set(tags_get_or_create(related["tags"]))
    if "organizations" in related:
        person.affiliations.exclude(organization_id__in=keep_org_ids).delete()
        kept_primary = bool(keep_org_ids) and person.affiliations.filter(is_primary=True).exists()
        seen: set[int] = set(keep_org_ids)
        rows = []
        for i, item in enumerate(related["organizations"]):
            org_id = int(item["organization_id"])
            if org_id not in seen:
                seen.add(org_id)
                rows.append(
                    Affiliation(
                        person=person,
                        organization_id=org_id,
                        role=clean_text(item.get("role", ""))[:150],
                        is_primary=i == 0 and not kept_primary,
                    )
                )
        Affiliation.objects.bulk_create(rows)


def person_refresh_search(person: Person) -> None:
    """Set (not save) ``person``'s search text: names, e-mails, phones, organisations."""
    _set_search_texts([person], person_id=person.pk)


def people_refresh_search(people: QuerySet[Person]) -> list[int]:
    """Rewrite the search text of ``people`` in a few queries however many they are (an
    organisation renamed with thousands of people). Returns their ids."""
    rows = list(people)
    _set_search_texts(rows, person__in=people)
    Person.objects.bulk_update(rows, ["search_text"], batch_size=SEARCH_BATCH)
    return [person.pk for person in rows]


def _set_search_texts(people: Sequence[Person], **of: Any) -> None:
    """Set the search text of ``people``, whose e-mails, phones and affiliations are those
    of the rows the filter ``of`` picks (three queries)."""
    emails = _by_person(PersonEmail.objects.filter(**of).values_list("person_id", "email"))
    phones = _by_person(PersonPhone.objects.filter(**of).values_list("person_id", "number"))
    org_names = _by_person(
        Affiliation.objects.filter(**of).values_list("person_id", "organization__name")
    )
    for person in people:
        person.search_text = build_search_text(
            names=[person.first_name, person.middle_name, person.last_name],
            emails=emails[person.pk],
            phones=phones[person.pk],
            extra=org_names[person.pk],
        )


def _by_person(rows: Iterable[tuple[int, str]]) -> defaultdict[int, list[str]]:
    """(person id, value) rows as each person's values, in the rows' order (the models'
    ordering: primary first)."""
    grouped: defaultdict[int, list[str]] = defaultdict(list)
    for person_id, value in rows:
        grouped[person_id].append(value)
    return grouped


def _hidden_org_ids(actor: User, person: Person) -> frozenset[int]:
    """The organisations ``person`` is linked to that ``actor`` may not see (an admin
    linked them): an edit by ``actor`` keeps those affiliations as they are."""
    from rapport.accounts.access import read_scope, visible_to

    linked = set(person.affiliations.values_list("organization_id", flat=True))
    if not linked or read_scope(actor) is None:
        return frozenset()
    seen = visible_to(Organization.objects.filter(pk__in=linked), actor).values_list(
        "pk", flat=True
    )
    return frozenset(linked - set(seen))


def _check_org_ids(actor: User, related: Mapping[str, Any]) -> None:
    from rapport.accounts.access import visible_to

    if not related.get("organizations"):
        return
    wanted = {int(item["organization_id"]) for item in related["organizations"]}
    found = set(
        visible_to(Organization.objects.alive(), actor)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    missing = wanted - found
    if missing:
        raise ValidationFailed(
            {"organizations": [f"No organisation with id {', '.join(map(str, sorted(missing)))}."]}
        )


@transaction.atomic
def person_create(*, actor: User, data: Mapping[str, Any]) -> Person:
    require_writer(actor)
    person = Person(owner=actor)
    if actor.team_ids and not actor.is_admin:
        person.team_id = min(actor.team_ids)
    related = _apply_person(actor=actor, person=person, data=data)
    _check_org_ids(actor, related)
    person.save()
    _save_person_related(person=person, related=related)
    person_refresh_search(person)
    person.save(update_fields=["email", "phone", "search_text"])
    changes = diff_snapshots({}, _person_snapshot(person))
    # Audited, and the duplicate-check keys written (dedupe's subscriber), by the event.
    emit("person.created", entity_type="person", entity_ids=[person.pk], actor=actor,
         changes=changes, audit=AuditAction.CREATE)  # fmt: skip
    return person


@transaction.atomic
def person_update(
    *, actor: User, person: Person, data: Mapping[str, Any], expected_version: int | None = None
) -> Person:
    person = lock_for_update(actor=actor, record=person, expected_version=expected_version,
                             noun="person")  # fmt: skip
    columns = column_values(person)
    before = _person_snapshot(person)
    related = _apply_person(actor=actor, person=person, data=data)
    hidden = _hidden_org_ids(actor, person) if "organizations" in related else frozenset()
    if hidden:  # sent back as read (or left out): either way they stay as they are
        related["organizations"] = [
            item for item in related["organizations"] if int(item["organization_id"]) not in hidden
        ]
    _check_org_ids(actor, related)
    _save_person_related(person=person, related=related, keep_org_ids=hidden)
    person_refresh_search(person)
    after = _person_snapshot(person)
    save_changes(actor=actor, record=person, entity_type="person", before=before, after=after,
                 columns=columns)  # fmt: skip
    return person


@transaction.atomic
def person_delete(*, actor: User, person: Person, expected_version: int | None = None) -> None:
    check_version(person, expected_version)
    soft_delete(actor=actor, record=person, entity_type="person", restore=False)


@transaction.atomic
def person_restore(*, actor: User, person: Person) -> None:
    soft_delete(actor=actor, record=person, entity_type="person", restore=True)
