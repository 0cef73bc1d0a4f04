"""Shared CLV fixtures: the CDNOW sample as a transaction table and as a summary."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clv"
CDNOW_TRANSACTIONS = FIXTURES / "CDNOW_sample.txt"
CDNOW_SUMMARY = FIXTURES / "cdnow_customers_summary_with_transactions.csv"


@pytest.fixture(scope="session")
def cdnow_transactions() -> ibis.Table:
    """CDNOW sample transactions: ``customer`` (sample id), ``date``, ``dollars``."""
    raw = np.loadtxt(CDNOW_TRANSACTIONS, dtype=str)
    dates = [dt.datetime.strptime(d, "%Y%m%d").date() for d in raw[:, 2]]
    return ibis.memtable(
        {
            "customer": raw[:, 1].astype(int),
            "date": dates,
            "dollars": raw[:, 4].astype(float),
        }
    )


@pytest.fixture(scope="session")
def cdnow_summary() -> dict[str, np.ndarray]:
    """The published CDNOW calibration summary (``x, t_x, T, zbar``), 2,357 customers."""
    data = np.genfromtxt(CDNOW_SUMMARY, delimiter=",", names=True)
    return {name: np.asarray(data[name]) for name in ("ID", "x", "t_x", "T", "zbar")}


@pytest.fixture(scope="session")
def lifetimes_reference() -> dict[str, Any]:
    """lifetimes 0.11.3 outputs on the CDNOW summary (benchmarks/clv.py --write-reference)."""
    result: dict[str, Any] = json.loads((FIXTURES / "lifetimes_reference.json").read_text())
    return result
