"""The maturity statements: stable unique keys, five levels each, links that resolve."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.assessments.catalog import FRAMEWORKS, STATEMENTS, areas
from rapport.core.indicators import indicator


def test_keys_are_unique_and_prefixed_by_their_framework():
    keys = [s.key for s in STATEMENTS]
    assert len(keys) == len(set(keys))
    assert all(
        s.key.startswith(f"{s.framework}.") and s.framework in FRAMEWORKS for s in STATEMENTS
    )


def test_the_frameworks_cover_what_the_models_name():
    assert len(areas("gartner")) == 8  # Gartner's eight competencies
    assert areas("payne_frow") == ["CRM readiness", "Change management", "Project management",
                                   "Employee management"]  # fmt: skip
    assert "Customer management activity" in areas("qci") and len(areas("qci")) == 8


def test_every_statement_has_guidance_for_each_score():
    for s in STATEMENTS:
        assert len(s.levels) == 5 and all(level.strip() for level in s.levels), s.key


@pytest.mark.django_db
def test_every_feature_reverses_and_every_indicator_is_registered():
    for s in STATEMENTS:
        for name in s.features:
            assert reverse(name)
        for key in s.indicators:
            assert indicator(key) is not None, (s.key, key)
