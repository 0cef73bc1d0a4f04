"""Starter metrics computed on the hand-built workspace (conftest.py) equal hand calculations
and an independent pandas computation of the same definition.

The hand calculations, from the rows in conftest.py (January = 2025-01, ...):

- mqls: Jan crm C1 (twice: counts once), C2, C3 + hubspot C1 (another system, another
  person) = 4; Feb C4, C5 = 2. By segment in Jan: C1->A1 smb, C2->A2 enterprise,
  C3->A3 smb, hubspot C1->A9 enterprise: smb 2, enterprise 2; Feb: C5->A1 smb 1, C4 has
  no account (segment null) 1.
- mql_to_sal_rate: Jan SAL C1, C3 over decisions C1, C2 (rejected), C3 = 2/3; Feb C4 over
  C4, C5 (rejected) = 1/2.
- time_to_first_touch (hours from each MQL to the first activity at or after it): Jan
  E1 10:00 -> X1 13:00 = 3; E2 -> X4 = 24 (X3 is before the MQL); E4 01-25 09:00 -> X2
  01-26 10:00 = 25; E3 (C3) never touched; hubspot H1 has no hubspot activity. Feb
  E5 -> X5 = 12; E6 -> X6 = 48. Median Jan 24, Feb 30; p90 (linear interpolation) Jan
  24 + 0.8 * 1 = 24.8, Feb 12 + 0.9 * 36 = 44.4; over all five: 25 + 0.6 * 23 = 38.8.
- win_rate: closed Feb O1 (won), O2 (lost), O5 (won) = 2/3; Mar O3 won = 1.
- sales_velocity Feb: 3 created x 2/3 x 25,000 average won / 29.5 days (O1 41, O5 18)
  = 1,694.915...; Jan: no closed deal, win rate undefined -> null; Mar: no opportunity
  created -> 0.
- blended_cac: Feb (1,500 + 300 spend + 0 other cost) / 2 new customers (A1, A2) = 900;
  Mar 700 / 1 (A3) = 700; Jan no new customer -> null.
- paid_cac Feb: 1,800 / 1 (A1 via paid_search; A2 came through a partner) = 1,800.
- cac_payback_months Feb: 900 / (10,000 new revenue / 2 customers x 0.8) = 0.225.
- romi Feb: (10,000 marketing-sourced won x 0.8 - 1,800) / 1,800 = 3.444...; Jan: no
  revenue, 1,500 spent -> -1.
- nps Jan: 4 answers with a rating (F5 is a plain survey, F6 has no rating), promoters
  F1 10, F2 9; detractor F3 6 -> 100 x (2 - 1) / 4 = 25.
- csat: Jan rated T1 good, T2 bad, T3 5, T4 2 -> satisfied 2/4; Feb T6 4 -> 1/1.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from accord.definitions import CompiledMetric, compile_metric, parse_definition, starter_catalog
from accord.definitions.metric import MetricDefinition

METRICS = starter_catalog().metrics()
JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def _run(name: str, tables: Any, metrics: Any = None, **query: Any) -> list[dict[str, Any]]:
    compiled = compile_metric(name, metrics=metrics or METRICS, tables=tables, **query)
    assert isinstance(compiled, CompiledMetric)
    rows = compiled.expr.execute().to_dict("records")
    for row in rows:
        if "period" in row:
            row["period"] = pd.Timestamp(row["period"]).date()
        for key, value in row.items():
            if isinstance(value, float) and np.isnan(value):
                row[key] = None
    return rows


HAND = [
    ("mqls", "month", (), [(JAN, 4), (FEB, 2)]),
    ("mqls", None, (), [(None, 6)]),
    ("sals", "month", (), [(JAN, 2), (FEB, 1)]),
    ("mql_to_sal_rate", "month", (), [(JAN, 2 / 3), (FEB, 1 / 2)]),
    ("sal_to_sql_rate", "month", (), [(JAN, 1 / 2), (FEB, 1.0)]),
    ("time_to_first_touch", "month", (), [(JAN, 24.0), (FEB, 30.0)]),
    ("time_to_first_touch_p90", "month", (), [(JAN, 24.8), (FEB, 44.4)]),
    ("time_to_first_touch_p90", None, (), [(None, 38.8)]),
    ("opportunities_created", "month", (), [(JAN, 2), (FEB, 3)]),
    ("pipeline_created", "month", (), [(JAN, 60000.0), (FEB, 65000.0)]),
    ("marketing_sourced_pipeline", "month", (), [(JAN, 60000.0), (FEB, 20000.0)]),
    ("win_rate", "month", (), [(FEB, 2 / 3), (MAR, 1.0)]),
    ("average_deal_size", "month", (), [(FEB, 25000.0), (MAR, 20000.0)]),
    ("sales_cycle_days", "month", (), [(FEB, 29.5), (MAR, 30.0)]),
    ("sales_velocity", "month", (), [(JAN, None), (FEB, 3 * 2 / 3 * 25000 / 29.5), (MAR, 0.0)]),
    ("paid_spend", "month", (), [(JAN, 1500.0), (FEB, 1800.0), (MAR, 700.0)]),
    ("new_customers", "month", (), [(FEB, 2), (MAR, 1)]),
    ("paid_cac", "month", (), [(JAN, None), (FEB, 1800.0), (MAR, None)]),
    ("blended_cac", "month", (), [(JAN, None), (FEB, 900.0), (MAR, 700.0)]),
    ("blended_cac", "quarter", (), [(JAN, 4000.0 / 3)]),
    ("cac_payback_months", "month", (), [(JAN, None), (FEB, 0.225), (MAR, 700 / 48000)]),
    ("romi", "month", (), [(JAN, -1.0), (FEB, 6200 / 1800), (MAR, 15300 / 700)]),
    ("nps", "month", (), [(JAN, 25.0)]),
    ("csat", "month", (), [(JAN, 0.5), (FEB, 1.0)]),
    ("revenue", "month", (), [(FEB, 10000.0), (MAR, 70000.0)]),
]


@pytest.mark.parametrize(("name", "grain", "by", "expected"), HAND)
def test_starter_metric_equals_hand_calculation(
    workspace: Any, name: str, grain: Any, by: tuple[str, ...], expected: list[Any]
) -> None:
    rows = _run(name, workspace, grain=grain, by=by)
    got = [(r.get("period"), r["value"]) for r in rows]
    assert [p for p, _ in got] == [p for p, _ in expected]
    for (_, value), (_, want) in zip(got, expected, strict=True):
        assert value == (None if want is None else pytest.approx(want)), name


def test_breakdown_keeps_source_systems_apart(workspace: Any) -> None:
    rows = _run("mqls", workspace, grain="month", by=("segment",))
    assert [(r["period"], r["segment"], r["value"]) for r in rows] == [
        (JAN, "enterprise", 2),
        (JAN, "smb", 2),
        (FEB, "smb", 1),
        (FEB, None, 1),
    ]


def test_ratio_breakdown_matches_null_dimension_values(workspace: Any) -> None:
    # C4 has no account: its SAL and its decision both fall in the null segment and must
    # be divided by each other, not dropped or split in two rows.
    rows = _run("mql_to_sal_rate", workspace, grain="month", by=("segment",))
    assert [(r["period"], r["segment"], r["value"]) for r in rows] == [
        (JAN, "enterprise", 0.0),
        (JAN, "smb", 1.0),
        (FEB, "smb", 0.0),
        (FEB, None, 1.0),
    ]


def test_date_range_is_half_open(workspace: Any) -> None:
    # E1, E2, E3 (crm) and H1 (hubspot) before the 25th; E4 (C1 again) at 09:00 on the 25th.
    assert _run("mqls", workspace, start=JAN, end=date(2025, 1, 25)) == [{"value": 4}]
    assert _run("mqls", workspace, start=date(2025, 1, 25), end=FEB) == [{"value": 1}]


def test_constant_parameter_is_scaled_by_months(workspace: Any) -> None:
    other = parse_definition(
        {**_as_data(METRICS["other_sales_marketing_cost"]), "body": {
            **_as_data(METRICS["other_sales_marketing_cost"])["body"],
            "measure": {"agg": "constant", "value": 1000.0, "per": "month"}}}
    )  # fmt: skip
    assert isinstance(other, MetricDefinition)
    metrics = {**METRICS, "other_sales_marketing_cost": other}
    monthly = _run("blended_cac", workspace, metrics, grain="month")
    assert [r["value"] for r in monthly] == [None, (1800 + 1000) / 2, (700 + 1000) / 1]
    quarter = _run("blended_cac", workspace, metrics, grain="quarter")
    assert quarter == [{"period": JAN, "value": pytest.approx((4000 + 3000) / 3)}]
    # Without a grain, the range is 59 days of Jan + Feb: 59 / 30.436875 months.
    total = _run("blended_cac", workspace, metrics, start=JAN, end=MAR)
    assert total == [{"value": pytest.approx((3300 + 1000 * 59 / (365.2425 / 12)) / 2)}]
    alone = _run("other_sales_marketing_cost", workspace, metrics, grain="month", start=JAN,
                 end=date(2025, 3, 15))  # fmt: skip
    assert alone == [{"period": p, "value": 1000.0} for p in (JAN, FEB, MAR)]


def _as_data(metric: MetricDefinition) -> dict[str, Any]:
    return metric.model_dump(mode="json")


# ---------------------------------------------------------------- independent pandas


def _month(ts: pd.Series) -> pd.Series:
    return pd.to_datetime(ts).dt.to_period("M").dt.start_time.dt.date


def _pandas_lifecycle(frames: dict[str, pd.DataFrame], stages: set[str]) -> pd.Series:
    ev = frames["lifecycle_events"]
    ev = ev[ev["stage"].isin(stages)].copy()
    ev["key"] = ev["source_system"] + ":" + ev["contact_id"]
    ev["period"] = _month(ev["ts"])
    return ev.groupby("period")["key"].nunique()


def _pandas_mqls_by_segment(frames: dict[str, pd.DataFrame]) -> dict[tuple[Any, Any], int]:
    ev = frames["lifecycle_events"]
    ev = ev[ev["stage"] == "mql"].drop(columns=["account_id"])
    contacts = frames["contacts"][["source_system", "contact_id", "account_id"]]
    accounts = frames["accounts"][["source_system", "account_id", "segment"]]
    merged = ev.merge(contacts, on=["source_system", "contact_id"], how="left").merge(
        accounts, on=["source_system", "account_id"], how="left"
    )
    merged["key"] = merged["source_system"] + ":" + merged["contact_id"]
    merged["period"] = _month(merged["ts"])
    merged["segment"] = merged["segment"].astype(object).where(merged["segment"].notna(), None)
    counts = merged.groupby(["period", "segment"], dropna=False)["key"].nunique()
    return {(p, None if pd.isna(s) else s): int(n) for (p, s), n in counts.items()}


def _pandas_first_touch_hours(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    ev = frames["lifecycle_events"]
    acts = frames["activities"]
    rows = []
    for _, mql in ev[ev["stage"] == "mql"].iterrows():
        later = acts[
            (acts["source_system"] == mql["source_system"])
            & (acts["contact_id"] == mql["contact_id"])
            & (acts["ts"] >= mql["ts"])
        ]
        if len(later):
            hours = (later["ts"].min() - mql["ts"]).total_seconds() / 3600
            rows.append({"period": _month(pd.Series([mql["ts"]]))[0], "hours": hours})
    return pd.DataFrame(rows)


def test_mqls_match_pandas(workspace: Any, frames: dict[str, pd.DataFrame]) -> None:
    expected = _pandas_lifecycle(frames, {"mql"})
    rows = _run("mqls", workspace, grain="month")
    assert {r["period"]: r["value"] for r in rows} == expected.to_dict()
    by_segment = _run("mqls", workspace, grain="month", by=("segment",))
    got = {(r["period"], r["segment"]): r["value"] for r in by_segment}
    assert got == _pandas_mqls_by_segment(frames)


def test_acceptance_rate_matches_pandas(workspace: Any, frames: dict[str, pd.DataFrame]) -> None:
    sal = _pandas_lifecycle(frames, {"sal"})
    decided = _pandas_lifecycle(frames, {"sal", "rejected"})
    expected = (sal.reindex(decided.index, fill_value=0) / decided).to_dict()
    rows = _run("mql_to_sal_rate", workspace, grain="month")
    assert {r["period"]: r["value"] for r in rows} == pytest.approx(expected)


def test_time_to_first_touch_matches_numpy(workspace: Any, frames: dict[str, pd.DataFrame]) -> None:
    hours = _pandas_first_touch_hours(frames)
    for name, q in (("time_to_first_touch", 0.5), ("time_to_first_touch_p90", 0.9)):
        expected = {p: float(np.quantile(g["hours"], q)) for p, g in hours.groupby("period")}
        rows = _run(name, workspace, grain="month")
        assert {r["period"]: r["value"] for r in rows} == pytest.approx(expected)


def test_win_rate_and_velocity_match_pandas(
    workspace: Any, frames: dict[str, pd.DataFrame]
) -> None:
    opp = frames["opportunities"].copy()
    opp["created"] = _month(opp["created_at"])
    closed = opp[opp["is_closed"] == True].copy()  # noqa: E712 (pandas mask)
    closed["closed"] = _month(closed["closed_at"])
    won = closed[closed["won"] == True].copy()  # noqa: E712
    win_rate = (won.groupby("closed").size() / closed.groupby("closed").size()).dropna()
    rows = _run("win_rate", workspace, grain="month")
    assert {r["period"]: r["value"] for r in rows} == pytest.approx(win_rate.to_dict())

    won["days"] = (won["closed_at"] - won["created_at"]).dt.total_seconds() / 86400
    created = opp.groupby("created").size()
    feb = FEB
    velocity = (
        created[feb]
        * win_rate[feb]
        * won.groupby("closed")["amount"].mean()[feb]
        / won.groupby("closed")["days"].mean()[feb]
    )
    rows = _run("sales_velocity", workspace, grain="month")
    assert {r["period"]: r["value"] for r in rows}[feb] == pytest.approx(velocity)


def test_blended_cac_and_nps_match_pandas(workspace: Any, frames: dict[str, pd.DataFrame]) -> None:
    spend = frames["spend"].copy()
    spend["period"] = _month(spend["date"])
    cost = spend.groupby("period")["amount"].sum()
    opp = frames["opportunities"]
    won = opp[opp["won"] == True].copy()  # noqa: E712
    won["period"] = _month(won["closed_at"])
    customers = won.groupby("period").apply(
        lambda g: len(set(g["source_system"] + ":" + g["account_id"]))
    )
    expected = (cost / customers).dropna().to_dict()
    rows = _run("blended_cac", workspace, grain="month")
    got = {r["period"]: r["value"] for r in rows if r["value"] is not None}
    assert got == pytest.approx(expected)

    fb = frames["feedback"]
    nps = fb[(fb["channel"] == "nps") & fb["rating"].notna()]
    score = 100 * ((nps["rating"] >= 9).mean() - (nps["rating"] <= 6).mean())
    assert _run("nps", workspace) == [{"value": pytest.approx(score)}]


def test_rows_without_a_time_belong_to_no_period(workspace: Any) -> None:
    measure = {"agg": "sum", "table": "opportunities", "column": "amount", "time": "closed_at"}
    closed_amount = parse_definition({"kind": "metric", "name": "closed_amount",
        "owners": ["sales"], "body": {"measure": measure, "direction": "higher",
        "unit": "currency"}})  # fmt: skip
    metrics = {"closed_amount": closed_amount}
    # O4 is open (no close date): in no month, so not in the total either.
    assert _run("closed_amount", workspace, metrics) == [{"value": 120000.0}]
    by_month = _run("closed_amount", workspace, metrics, grain="month")
    assert [(r["period"], r["value"]) for r in by_month] == [(FEB, 100000.0), (MAR, 20000.0)]
