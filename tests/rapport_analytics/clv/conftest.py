"""CDNOW fixtures shared by the CLV tests (Fader-Hardie sample, see tests/data/cdnow/README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rapport_analytics.clv import (
    CalibrationHoldout,
    CompressedCustomers,
    TimeUnit,
    TransactionLog,
    compress_customers,
    split_calibration_holdout,
)
from rapport_analytics.clv.files import ColumnSpec, read_transactions

CDNOW_DIR = Path(__file__).resolve().parents[2] / "data" / "cdnow"
CDNOW_LOG = CDNOW_DIR / "CDNOW_sample.txt"
CDNOW_SUMMARY = CDNOW_DIR / "cdnow_customers_summary_with_transactions.csv"
CDNOW_COLUMNS = ColumnSpec(customer="2", date="3", amount="5", has_header=False)


@pytest.fixture(scope="session")
def cdnow_log() -> TransactionLog:
    return read_transactions(CDNOW_LOG, columns=CDNOW_COLUMNS).log


@pytest.fixture(scope="session")
def cdnow_split(cdnow_log: TransactionLog) -> CalibrationHoldout:
    return split_calibration_holdout(
        cdnow_log, calibration_end="1997-09-30", holdout_end="1998-06-30", unit=TimeUnit.WEEK
    )


@pytest.fixture(scope="session")
def cdnow_published_summary() -> np.ndarray:
    """Columns ID, x, t_x, T, zbar as published."""
    return np.loadtxt(CDNOW_SUMMARY, delimiter=",", skiprows=1)


@pytest.fixture(scope="session")
def cdnow_customers(cdnow_split: CalibrationHoldout) -> CompressedCustomers:
    cal = cdnow_split.calibration
    return compress_customers(frequency=cal.frequency, recency=cal.recency, age=cal.age)
