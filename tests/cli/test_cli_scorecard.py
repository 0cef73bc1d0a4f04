"""The demo scorecard's aggregates, checked against an independent pandas computation."""

from __future__ import annotations

from datetime import date, datetime

import ibis
import numpy as np
import pandas as pd
import pytest

from accord.cli._scorecard import (
    FUNNEL_STAGES,
    SIDE_STATES,
    full_months,
    monthly_revenue,
    stage_contacts,
)


@pytest.fixture
def con() -> ibis.BaseBackend:
    backend = ibis.duckdb.connect()
    backend.raw_sql("SET TimeZone = 'UTC'")
    return backend


def _events(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_system": rng.choice(["hubspot", "salesforce"], n),
            "contact_id": np.where(rng.random(n) < 0.05, None, rng.integers(0, 40, n).astype(str)),
            "stage": rng.choice([*FUNNEL_STAGES, *SIDE_STATES, "other"], n),
        }
    )


def test_stage_contacts_counts_distinct_people_per_system(con: ibis.BaseBackend) -> None:
    events = _events(np.random.default_rng(7), 600)
    got = stage_contacts(con.create_table("events", events)).to_pandas()
    known = events.dropna(subset=["contact_id"])
    known = known[known.stage.isin(FUNNEL_STAGES)]
    expected = known.drop_duplicates(["source_system", "contact_id", "stage"]).stage.value_counts()
    assert dict(zip(got.stage, got.contacts, strict=True)) == expected.to_dict()


def test_the_same_id_in_two_systems_is_two_contacts(con: ibis.BaseBackend) -> None:
    events = pd.DataFrame(
        {
            "source_system": ["hubspot", "salesforce", "hubspot"],
            "contact_id": ["1", "1", "1"],
            "stage": ["lead"] * 3,
        }
    )
    got = stage_contacts(con.create_table("events", events)).to_pandas()
    assert got.to_dict("records") == [{"stage": "lead", "contacts": 2}]


def test_monthly_revenue_keeps_the_last_months_of_countable_invoices(
    con: ibis.BaseBackend,
) -> None:
    rng = np.random.default_rng(11)
    n = 500
    revenue = pd.DataFrame(
        {
            "ts": pd.Timestamp("2023-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 730 * 24, n), unit="h"),
            "amount": rng.gamma(2.0, 500.0, n).round(2),
            "currency": rng.choice(["USD", "EUR"], n),
            "status": rng.choice(["paid", "open", "void", "Draft", None], n),
        }
    )
    got = monthly_revenue(con.create_table("revenue", revenue), months=12).to_pandas()

    not_revenue = ["draft", "void", "uncollectible", "deleted"]
    kept = revenue[~revenue.status.fillna("").str.lower().isin(not_revenue)]
    month = kept.ts.dt.tz_localize(None).dt.to_period("M")
    last = month.max()
    window = kept[month > last - 12]
    expected = (
        window.assign(month=month[month > last - 12].dt.to_timestamp())
        .groupby(["month", "currency"], as_index=False)
        .agg(amount=("amount", "sum"), invoices=("amount", "size"))
    )
    assert len(got) == len(expected) == 24  # 12 months x 2 currencies
    assert list(got.currency) == list(expected.currency)
    assert [m.strftime("%Y-%m") for m in pd.to_datetime(got.month)] == [
        m.strftime("%Y-%m") for m in expected.month
    ]
    np.testing.assert_allclose(got.amount, expected.amount, rtol=1e-12)
    assert list(got.invoices) == list(expected.invoices)


def test_quarantine_summary_counts_rows_once_across_reloads(con: ibis.BaseBackend) -> None:
    from accord.cli._scorecard import quarantine_summary

    problems = pd.DataFrame(
        {
            "load_id": ["L1", "L1", "L1", "L2", "L2", "L2"],  # L2 reloads the same file
            "file": ["a.csv"] * 6,
            "row": [3, 3, 7, 3, 3, 7],
            "table_name": ["contacts"] * 6,
            "column_name": ["email", "created_at", None, "email", "created_at", None],
        }
    )
    [got] = quarantine_summary(con.create_table("q", problems)).to_pyarrow().to_pylist()
    assert got == {"rows": 2, "problems": 3}


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # the demo's window: the last day of December counts December as whole
        ("2024-01-03", "2025-12-31 07:07", (date(2024, 1, 1), date(2025, 12, 1), date(2026, 1, 1))),
        # a window ending mid-month stops at the month before
        (
            "2024-01-03",
            "2025-12-15 00:00",
            (date(2024, 1, 1), date(2025, 11, 1), date(2025, 12, 1)),
        ),
        ("2024-02-29", "2024-03-31 23:59", (date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1))),
        ("2024-01-03", "2024-01-20 00:00", None),
    ],
)
def test_full_months(first: str, last: str, expected: tuple[date, date, date] | None) -> None:
    got = full_months(datetime.fromisoformat(first), datetime.fromisoformat(last))
    assert got == expected
    assert full_months(None, None) is None
