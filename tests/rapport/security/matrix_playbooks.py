"""Playbook routes: the playbook page and models, its settings, /models and the
indicator drill-down. Everyone signed in may look (values and lists are cut to what
they may see); the settings are the admin's."""

from __future__ import annotations

from typing import Any

from rapport.playbooks.models import PlaybookSettings
from tests.rapport.security.matrix import ADMIN, EVERYONE, Case, World


def _primary_is_qci(w: World) -> bool:
    return PlaybookSettings.current().primary_model == "qci"


PAGES: dict[str, list[Case]] = {
    "playbooks:playbook": [Case("GET", frozenset(EVERYONE))],
    "me:my_work": [Case("GET", frozenset(EVERYONE))],
    "playbooks:model": [Case("GET", frozenset(EVERYONE), kwargs=lambda w: {"model_key": "qci"})],
    "playbooks:settings": [
        Case("GET", frozenset(ADMIN)),
        Case(
            "POST",
            frozenset(ADMIN),
            data=lambda w: {"primary_model": "qci", "profile_fields": ["email"]},
            effect=_primary_is_qci,
        ),
    ],
}

API: dict[tuple[str, str], Case] = {
    ("GET", "/models"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/models/{model_key}"): Case("GET", frozenset(EVERYONE)),
    ("GET", "/indicators/{indicator_key}/people"): Case("GET", frozenset(EVERYONE)),
}


def API_PATH_PARAMS(world: World) -> dict[str, Any]:
    return {"model_key": "idic", "indicator_key": "identify.consent_known_share"}
