"""Form plumbing every app shares: a service's validation messages shown next to their inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms


def add_service_errors(form: forms.Form, detail: str | Mapping[str, Sequence[str]]) -> None:
    """Show a service's validation messages on the matching form fields.

    Services name fields as the API does. A form whose inputs are named otherwise maps
    them in ``service_error_fields`` (service key → field name); custom fields
    (``custom_fields.<key>``) are the ``cf_<key>`` inputs. A message for a key with no
    input shows above the form.
    """
    if isinstance(detail, str):
        form.add_error(None, detail)
        return
    aliases: Mapping[str, str] = getattr(form, "service_error_fields", {})
    for key, messages in detail.items():
        name: str | None = aliases.get(key, key)
        if key.startswith("custom_fields."):
            name = "cf_" + key.split(".", 1)[1]
        if name not in form.fields:
            name = None
        for message in messages:
            form.add_error(name, message)
