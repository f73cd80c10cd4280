"""The model registry: stable keys, every feature link reverses, every indicator exists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.playbooks.models_catalog import MODELS


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
