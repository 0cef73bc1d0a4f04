"""``accord economics`` on the demo workspace, checked against pandas on the raw exports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import Result

Invoke = Callable[..., Result]

PAID = ("paid_search", "paid_social", "display")
MARGIN = 0.8  # the starter gross_margin the demo signs


def _spend(data: Path) -> pd.DataFrame:
    """Every spend export by day and channel, as the vendors wrote them."""
    google = pd.read_csv(data / "google-ads-campaigns.csv", skiprows=2, thousands=",")
    google = google[~google.Day.astype(str).str.startswith("Total")]
    meta = pd.read_csv(data / "meta-ads.csv")
    other = pd.read_csv(data / "accord-spend.csv")
    other = other[other.amount >= 0]  # the negative row is quarantined
    return pd.concat(
        [
            pd.DataFrame({"date": google.Day, "channel": "paid_search", "amount": google.Cost}),
            pd.DataFrame(
                {"date": meta.Day, "channel": "paid_social", "amount": meta["Amount spent (USD)"]}
            ),
            other[["date", "channel", "amount"]],
        ]
    ).assign(date=lambda f: pd.to_datetime(f.date), amount=lambda f: f.amount.astype(float))


def _crosswalk(ws: Path) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """The account of each (system, record) from `accord resolve`'s crosswalks."""
    con = duckdb.connect(str(ws / "warehouse.duckdb"), read_only=True)
    try:
        accounts = con.sql("select source_system, record_id, account_id from identity_accounts")
        people = con.sql("select source_system, record_id, account_id from identity_people")
        acc = {(s, r): a for s, r, a in accounts.fetchall()}
        ppl = {(s, r): a for s, r, a in people.fetchall() if a is not None}
    finally:
        con.close()
    return acc, ppl


def _won(ws: Path) -> pd.DataFrame:
    """First won close per resolved account, its deal's lead source and its last touch."""
    data = ws / "data"
    accounts, people = _crosswalk(ws)
    opp = pd.read_csv(data / "salesforce-opportunities.csv")
    opp = opp[(opp.Amount.fillna(0) >= 0) & (opp.Won.astype(str).str.upper() == "TRUE")]
    opp = opp.assign(
        closed=pd.to_datetime(opp["Close Date"], format="%m/%d/%Y"),
        customer=[accounts[("salesforce", a)] for a in opp["Account ID"]],
    )
    won = opp.sort_values("closed").groupby("customer").first().reset_index()
    tp = pd.read_csv(data / "accord-touchpoints.csv", dtype=str)
    own = [accounts.get((s, a)) for s, a in zip(tp.source_system, tp.account_id, strict=True)]
    via = [people.get((s, c)) for s, c in zip(tp.source_system, tp.contact_id, strict=True)]
    tp = tp.assign(
        customer=[o or v for o, v in zip(own, via, strict=True)],
        ts=pd.to_datetime(tp.ts).dt.tz_localize(None),
    )
    joined = tp.merge(won[["customer", "closed"]], on="customer")
    joined = joined[joined.ts <= joined.closed].sort_values("ts")
    last = joined.groupby("customer").channel.last()
    source = won["Lead Source"].str.lower().str.replace(" ", "_")
    won["channel"] = won.customer.map(last).fillna(source)
    return won


def _billing(data: Path) -> tuple[float, float]:
    """Mean first-period MRR and churned subscriptions per customer-month."""
    subs = pd.read_csv(data / "accord-subscriptions.csv", parse_dates=["start_date", "end_date"])
    subs = subs.sort_values(["account_id", "start_date"])
    first = subs.groupby("account_id").first()
    as_of = subs.start_date.max()
    months = (subs.end_date.clip(upper=as_of) - subs.start_date).dt.days.clip(lower=0) / 30.4375
    churned = subs.groupby("account_id").status.last().isin(["churned", "cancelled"]).sum()
    return float(first.mrr.mean()), float(churned / months.sum())


def _run(invoke: Invoke, ws: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = invoke("economics", "-w", ws, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_totals_equal_pandas_on_the_raw_exports(
    demo_run: tuple[Path, Result], invoke: Invoke
) -> None:
    ws, _ = demo_run
    doc = _run(invoke, ws)
    data = ws / "data"
    spend, won = _spend(data), _won(ws)
    arpa, churn = _billing(data)
    total = doc["total"]
    assert total["new_customers"] == len(won)
    assert total["cost"] == pytest.approx(spend.amount.sum())
    cac = spend.amount.sum() / len(won)
    assert total["blended_cac"] == pytest.approx(cac)
    assert sum(doc["attribution"].values()) == len(won)
    assert total["paid_customers"] == won.channel.isin(PAID).sum()
    paid_spend = spend.amount[spend.channel.isin(PAID)].sum()
    assert total["paid_spend"] == pytest.approx(paid_spend)
    assert total["arpa"] == pytest.approx(arpa)
    assert doc["parameters"]["monthly_churn"] == pytest.approx(churn)
    assert total["ltv"] == pytest.approx(arpa * MARGIN / churn)
    assert total["ltv_to_cac"] == pytest.approx(arpa * MARGIN / churn / cac)
    assert total["payback_months"] == pytest.approx(cac / (arpa * MARGIN))
    names = {c["name"] for c in doc["citations"]}
    assert {"blended_cac", "paid_cac", "ltv", "gross_margin", "cac_payback_months"} <= names


def test_cohorts_add_up_to_the_total(demo_run: tuple[Path, Result], invoke: Invoke) -> None:
    ws, _ = demo_run
    doc = _run(invoke, ws, "--by", "cohort", "--period", "quarter")
    spend = _spend(ws / "data")
    by_quarter = spend.groupby(spend.date.dt.to_period("Q")).amount.sum()
    rows = {r["group"]: r for r in doc["rows"]}
    for quarter, amount in by_quarter.items():
        assert rows[str(quarter)]["cost"] == pytest.approx(amount)
    assert sum(r["new_customers"] for r in doc["rows"]) == doc["total"]["new_customers"]
    won = _won(ws)
    per_quarter = won.closed.dt.to_period("Q").value_counts()
    for quarter, count in per_quarter.items():
        assert rows[str(quarter)]["new_customers"] == count


def test_channels_split_spend_and_customers(demo_run: tuple[Path, Result], invoke: Invoke) -> None:
    ws, _ = demo_run
    doc = _run(invoke, ws, "--by", "channel")
    spend = _spend(ws / "data").groupby("channel").amount.sum()
    won = _won(ws).channel.value_counts()
    rows = {r["group"]: r for r in doc["rows"]}
    assert {g: r["new_customers"] for g, r in rows.items() if r["new_customers"]} == won.to_dict()
    for channel, amount in spend.items():
        assert rows[channel]["cost"] == pytest.approx(amount)
        n = rows[channel]["new_customers"]
        assert rows[channel]["blended_cac"] == (pytest.approx(amount / n) if n else None)


def test_table_names_the_definitions_and_the_cost(
    demo_run: tuple[Path, Result], invoke: Invoke
) -> None:
    ws, _ = demo_run
    result = invoke("economics", "-w", ws, "--by", "segment")
    assert result.exit_code == 0, result.output
    assert "LTV:CAC" in result.stdout
    assert "blended_cac v1" in result.stderr
    assert "other_sales_marketing_cost" in result.stderr
    assert "company blended CAC" in result.stderr


def test_a_window_keeps_its_customers_spend_and_revenue(
    demo_run: tuple[Path, Result], invoke: Invoke
) -> None:
    ws, _ = demo_run
    won, spend = _won(ws), _spend(ws / "data")
    quarter = won.closed.dt.to_period("Q").value_counts().idxmax()  # the busiest quarter
    first, last = quarter.start_time.date(), quarter.end_time.date()
    doc = _run(invoke, ws, "--from", str(first), "--to", str(last))
    total = doc["total"]
    in_window = won[(won.closed.dt.date >= first) & (won.closed.dt.date <= last)]
    assert total["new_customers"] == len(in_window) > 0
    days = spend.date.dt.date
    assert total["cost"] == pytest.approx(spend.amount[(days >= first) & (days <= last)].sum())
    assert total["paid_customers"] == in_window.channel.isin(PAID).sum()
    assert (doc["parameters"]["from"], doc["parameters"]["to"]) == (str(first), str(last))
    # a window of one quarter is that quarter's cohort, figure for figure
    cohorts = _run(invoke, ws, "--by", "cohort", "--period", "quarter")
    [row] = [r for r in cohorts["rows"] if r["group"] == str(quarter)]
    assert {**total, "group": row["group"]} == pytest.approx(row)
    # churn is the whole base's, window or not
    assert doc["parameters"]["monthly_churn"] == cohorts["parameters"]["monthly_churn"]
    bad = invoke("economics", "-w", ws, "--from", str(last), "--to", str(first))
    assert bad.exit_code == 2  # an input error: what is wrong and how to fix it
    assert "after it ends" in bad.output
    assert "Traceback" not in bad.output
