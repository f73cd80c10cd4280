"""Shared, module-independent fixtures: one synthetic set and a model fitted on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapport_analytics.matching import MatchModel, RecordTable, fit_model
from rapport_analytics.matching.synthetic import SyntheticPeople, generate_people

FEBRL_DIR = Path(__file__).resolve().parents[2] / "data" / "febrl"


@pytest.fixture(scope="session")
def synthetic_people() -> SyntheticPeople:
    return generate_people(n_records=20_000, seed=11)


@pytest.fixture(scope="session")
def synthetic_table(synthetic_people: SyntheticPeople) -> RecordTable:
    return RecordTable.from_records(synthetic_people.records)


@pytest.fixture(scope="session")
def crm_model(synthetic_table: RecordTable) -> MatchModel:
    return fit_model(synthetic_table)
