"""Writes for saved list views: a user's named query strings."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.db import transaction

from rapport.accounts.models import User
from rapport.core.entities import must_be_entity
from rapport.core.errors import NotFound, ValidationFailed
from rapport.people.models import SavedView
from rapport.people.normalize import InvalidValue, clean_text

# Paging is where you are, not what you are looking at: a saved view starts on page one.
_NOT_SAVED = {"page", "csrfmiddlewaretoken"}


def clean_query(query: str) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False)
        if k not in _NOT_SAVED
    ]
    return urlencode(pairs)


@transaction.atomic
def saved_view_save(*, user: User, entity: str, name: str, query: str) -> SavedView:
    """Create the view, or overwrite the user's view of the same name."""
    if problem := must_be_entity(entity):
        raise ValidationFailed({"entity": [problem]})
    try:
        name = clean_text(name, max_length=100)
    except InvalidValue as exc:
        raise ValidationFailed({"name": [f"The name {exc}"]}) from exc
    if not name:
        raise ValidationFailed({"name": ["Give the view a name."]})
    query = clean_query(query)
    if len(query) > 2000:
        raise ValidationFailed({"query": ["This filter is too long to save."]})
    view, _ = SavedView.objects.update_or_create(
        user=user, entity=entity, name=name, defaults={"query": query}
    )
    return view


def saved_view_delete(*, user: User, pk: int) -> None:
    deleted, _ = SavedView.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound("No such saved view.")
