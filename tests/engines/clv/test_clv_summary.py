"""RFM summary: hand-computed cases and the published CDNOW summary."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pytest

from accord.engines.clv.summary import pool_rfm, rfm_summary


def _rows(table: ibis.Table, key: str) -> list[dict[str, object]]:
    return table.order_by(key).to_pyarrow().to_pylist()


@pytest.fixture
def small() -> ibis.Table:
    return ibis.memtable(
        {
            "cust": ["a", "a", "a", "a", "b", "c", "a"],
            "ts": [
                dt.datetime(2024, 1, 1, 9),
                dt.datetime(2024, 1, 1, 17),  # same day as the first: merged
                dt.datetime(2024, 1, 8, 12),
                dt.datetime(2024, 1, 22, 8),
                dt.datetime(2024, 1, 15, 10),
                dt.datetime(2024, 2, 20, 10),  # first purchase after calibration: excluded
                dt.datetime(2024, 2, 5, 10),  # holdout purchase of a
            ],
            "amount": [10.0, 5.0, 30.0, 50.0, 7.0, 99.0, 11.0],
        }
    ).mutate(day=ibis._.ts.cast("date"))


def test_summary_matches_hand_computation(small: ibis.Table) -> None:
    s = rfm_summary(
        small, customer_col="cust", date_col="ts", amount_col="amount", calibration_end="2024-01-29"
    )
    assert _rows(s, "cust") == [
        # a: days 1 Jan (15), 8 Jan (30), 22 Jan (50); T = 28 days
        {"cust": "a", "frequency": 2, "recency": 3.0, "T": 4.0, "monetary_value": 40.0},
        {"cust": "b", "frequency": 0, "recency": 0.0, "T": 2.0, "monetary_value": 0.0},
    ]


def test_summary_holdout_and_units(small: ibis.Table) -> None:
    s = rfm_summary(
        small,
        customer_col="cust",
        date_col="day",
        amount_col="amount",
        calibration_end=dt.date(2024, 1, 29),
        observation_end=dt.datetime(2024, 2, 29),
        days_per_unit=1.0,
    )
    rows = _rows(s, "cust")
    assert rows[0] == {
        "cust": "a",
        "frequency": 2,
        "recency": 21.0,
        "T": 28.0,
        "monetary_value": 40.0,
        "frequency_holdout": 1,
        "monetary_value_holdout": 11.0,
        "duration_holdout": 31.0,
    }
    assert rows[1]["frequency_holdout"] == 0
    assert rows[1]["monetary_value_holdout"] == 0.0


def test_summary_without_amount(small: ibis.Table) -> None:
    s = rfm_summary(small, customer_col="cust", date_col="ts", calibration_end="2024-01-29")
    assert s.columns == ("cust", "frequency", "recency", "T")


def test_summary_rejects_bad_unit(small: ibis.Table) -> None:
    with pytest.raises(ValueError, match="days_per_unit"):
        rfm_summary(
            small, customer_col="cust", date_col="ts", calibration_end="2024-01-29", days_per_unit=0
        )


def test_cdnow_summary_reproduces_published_summary(
    cdnow_transactions: ibis.Table, cdnow_summary: dict[str, np.ndarray]
) -> None:
    s = rfm_summary(
        cdnow_transactions,
        customer_col="customer",
        date_col="date",
        amount_col="dollars",
        calibration_end="1997-09-30",
    ).to_pyarrow()
    order = np.argsort(s["customer"].to_numpy())
    assert len(order) == 2357
    np.testing.assert_array_equal(s["customer"].to_numpy()[order], cdnow_summary["ID"])
    np.testing.assert_array_equal(s["frequency"].to_numpy()[order], cdnow_summary["x"])
    # the published file rounds to 2 decimals
    np.testing.assert_allclose(s["recency"].to_numpy()[order], cdnow_summary["t_x"], atol=0.0051)
    np.testing.assert_allclose(s["T"].to_numpy()[order], cdnow_summary["T"], atol=0.0051)
    np.testing.assert_allclose(
        s["monetary_value"].to_numpy()[order], cdnow_summary["zbar"], atol=0.0051
    )


def test_pool_rfm_keeps_every_customer(cdnow_transactions: ibis.Table) -> None:
    s = rfm_summary(
        cdnow_transactions, customer_col="customer", date_col="date", calibration_end="1997-09-30"
    )
    pooled = pool_rfm(s).to_pyarrow()
    assert pooled["n_customers"].to_numpy().sum() == 2357
    assert pooled.num_rows < 2357
