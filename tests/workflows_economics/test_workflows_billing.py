"""Revenue kinds, churn, renewal cohorts and the weekly MMM panel on hand-made tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd
import pytest

from accord.data.warehouse import Warehouse, open_warehouse
from accord.workflows.budget import weekly_panel
from accord.workflows.clv import (
    billing_customers,
    monthly_churn,
    renewal_cohorts,
    revenue_with_kind,
)

SUBS = pd.DataFrame(
    {
        "source_system": "stripe",
        "subscription_id": ["s1", "s1", "s1", "s2", "s2"],
        "account_id": ["c1", "c1", "c1", "c2", "c2"],
        "start_date": pd.to_datetime(
            ["2025-01-01", "2025-02-01", "2025-03-01", "2025-01-15", "2025-02-15"]
        ).date,
        "end_date": pd.to_datetime(
            ["2025-02-01", "2025-03-01", "2025-04-01", "2025-02-15", "2025-03-15"]
        ).date,
        "mrr": [100.0, 150.0, 150.0, 200.0, 200.0],
        "status": ["renewed", "renewed", "active", "renewed", "churned"],
    }
)
INVOICES = pd.DataFrame(
    {
        "source_system": "stripe",
        "invoice_id": ["i1", "i2", "i3", "i4", "i5", "i6"],
        "account_id": ["c1", "c1", "c1", "c2", "c2", "c2"],
        "subscription_id": ["s1", "s1", "s1", "s2", "s2", "s2"],
        "ts": pd.to_datetime(
            [
                "2025-01-01 01:00",
                "2025-02-01 01:00",
                "2025-03-01 01:00",
                "2025-01-15 01:00",
                "2025-02-15 01:00",
                "2025-02-20 01:00",
            ]
        ),
        "amount": [100.0, 150.0, 150.0, 200.0, 200.0, 999.0],
        "status": ["paid", "paid", "paid", "paid", "paid", "void"],
        "kind": [None, None, None, None, None, None],
    }
)


@pytest.fixture
def wh() -> Iterator[Warehouse]:
    w = open_warehouse("duckdb://")
    w.backend.create_table("subscriptions", SUBS)
    w.backend.create_table("revenue", INVOICES.astype({"kind": "string"}))
    days = pd.date_range("2025-01-06", periods=21, freq="D")  # Mon 6 Jan .. Sun 26 Jan
    spend = pd.DataFrame(
        {
            "date": np.concatenate([days.date, days.date]),
            "channel": ["search"] * 21 + ["social"] * 21,
            "amount": [1.0] * 21 + [2.0] * 21,
        }
    )
    w.backend.create_table("spend", spend[spend.index != 30])  # a missing social day
    yield w
    w.close()


def test_kinds_follow_the_subscription_periods(wh: Warehouse) -> None:
    kinds = revenue_with_kind(wh).to_pandas().set_index("invoice_id").kind.to_dict()
    # i1/i4 open the first period; i2 raises MRR 100 -> 150; i3 and i5 repeat the MRR;
    # the void i6 is not revenue.
    assert kinds == {
        "i1": "new",
        "i2": "expansion",
        "i3": "renewal",
        "i4": "new",
        "i5": "renewal",
    }


def test_churn_is_churned_customers_per_month_under_contract(wh: Warehouse) -> None:
    customers = billing_customers(wh, as_of=date(2025, 3, 15)).set_index("customer")
    # c1: Jan, Feb in full, Mar 1 -> Mar 15 = 31 + 28 + 14 days; c2: 31 + 28 days.
    days = {"stripe:c1": 73, "stripe:c2": 59}
    for customer, n in days.items():
        assert customers.loc[customer, "months"] == pytest.approx(n / 30.4375)
    assert customers.churned.to_dict() == {"stripe:c1": False, "stripe:c2": True}
    assert customers.first_mrr.to_dict() == {"stripe:c1": 100.0, "stripe:c2": 200.0}
    assert monthly_churn(customers.reset_index()) == pytest.approx(1 / (132 / 30.4375))


def test_renewal_cohorts_count_survivors_per_renewal(wh: Warehouse) -> None:
    customers = billing_customers(wh, as_of=date(2025, 3, 15))
    cohorts = renewal_cohorts(customers, as_of=date(2025, 3, 15))
    # monthly cycle; c1 started in January (2 renewals due by 15 Mar: 3 periods seen),
    # c2 in January too: 2 periods then churn.
    assert cohorts == {1: [[2, 2, 1]]}


def test_weekly_panel_sums_spend_by_monday_week(wh: Warehouse) -> None:
    panel = weekly_panel(wh, target="revenue")
    assert panel.channels == ("search", "social")
    assert [str(w) for w in panel.weeks] == ["2025-01-06", "2025-01-13", "2025-01-20"]
    assert panel.spend[:, 0].tolist() == [7.0, 7.0, 7.0]
    assert panel.spend[:, 1].tolist() == [14.0, 12.0, 14.0]  # 15 Jan (row 30) is missing
    # revenue by invoice week: only i4 (15 Jan, week of 13 Jan) falls in the spend weeks
    assert panel.target.tolist() == [0.0, 200.0, 0.0]
