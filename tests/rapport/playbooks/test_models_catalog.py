"""The model registry: stable keys, every feature link reverses, every indicator exists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.core.indicators import indicators
from rapport.playbooks.models_catalog import MODELS, indicator_keys_used


def test_the_five_models_have_their_stable_keys_and_steps() -> None:
    # Given the registry, then the keys the API and snapshots depend on are there
    assert list(MODELS) == ["idic", "value_chain", "payne_frow", "qci", "gartner"]
    steps = {key: [s.key for s in m.steps] for key, m in MODELS.items()}
    assert steps["idic"] == ["identify", "differentiate", "interact", "customize"]
    assert len(steps["value_chain"]) == 5
    assert len(MODELS["value_chain"].supporting) == 4
    assert len(steps["payne_frow"]) == 5
    assert [s.key for s in MODELS["payne_frow"].supporting] == [
        "crm_readiness", "change_management", "project_management", "employee_management",
    ]  # fmt: skip
    assert {"acquisition", "penetration", "retention", "win_back"} <= set(steps["qci"])
    assert len(steps["gartner"]) == 8


def test_step_keys_are_unique_within_a_model_and_every_step_is_explained() -> None:
    for model in MODELS.values():
        keys = [s.key for s in model.all_steps()]
        assert len(keys) == len(set(keys)), model.key
        for step in model.all_steps():
            assert step.explanation.endswith("."), (model.key, step.key)
            assert step.features, (model.key, step.key)


@pytest.mark.parametrize(
    "url_name",
    sorted({f.url_name for m in MODELS.values() for s in m.all_steps() for f in s.features}),
)
def test_every_feature_link_reverses(url_name: str) -> None:
    assert reverse(url_name).startswith("/")


def test_the_models_name_every_registered_indicator_and_only_those() -> None:
    assert indicator_keys_used() == {i.key for i in indicators()}


def test_docs_give_every_indicator_its_definition_word_for_word() -> None:
    from pathlib import Path

    from django.conf import settings

    doc = (Path(settings.BASE_DIR) / "docs" / "indicators.md").read_text()
    for found in indicators():
        assert f"| `{found.key}` | {found.name} | {found.definition} |" in doc, found.key
