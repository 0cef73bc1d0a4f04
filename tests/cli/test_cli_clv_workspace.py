"""``accord clv`` on the demo workspace, checked against pandas on the Stripe export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from typer.testing import Result

Invoke = Callable[..., Result]


def test_fits_the_revenue_table_and_the_renewal_cohorts(
    demo_run: tuple[Path, Result], invoke: Invoke
) -> None:
    ws, _ = demo_run
    result = invoke("clv", "fit", "-w", ws, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # strict JSON: NaN is null
    invoices = pd.read_csv(ws / "data" / "stripe-invoices.csv")
    invoices = invoices[~invoices.Status.isin(["void", "draft", "uncollectible"])]
    days = invoices.assign(day=pd.to_datetime(invoices["Date (UTC)"]).dt.date)
    per_customer = days.groupby("Customer").day.nunique()
    tx = doc["transactions"]
    assert tx["customers"] == len(per_customer)
    assert tx["repeat_buyers"] == int((per_customer > 1).sum())
    assert tx["bgnbd"]["status"] == "ok"
    subs = pd.read_csv(ws / "data" / "accord-subscriptions.csv")
    cycles = {c["cycle_months"] for c in doc["subscriptions"]}
    assert cycles <= {1, 3, 12}
    assert sum(c["customers"] for c in doc["subscriptions"]) <= subs.account_id.nunique()
    assert {c["name"] for c in doc["citations"]} >= {"gross_margin", "revenue"}


def test_bare_group_runs_the_workspace_fit(demo_run: tuple[Path, Result], invoke: Invoke) -> None:
    ws, _ = demo_run
    result = invoke("clv", "-w", ws)
    assert result.exit_code == 0, result.output
    assert "BG/NBD (Fader, Hardie & Lee 2005)" in result.stdout
    assert "shifted-beta-geometric" in result.stdout
