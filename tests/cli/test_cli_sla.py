"""``accord sla``, ``accord sla breaches``, ``accord feedback leads`` and ``accord
forecast accuracy`` on the demo workspace."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from accord.cli.sla import demo_section
from accord.data.workspace import Workspace

sys.path.insert(0, str(Path(__file__).parent))
from test_cli_funnel import raw_mql_keys

WINDOW = ("--from", "2024-01-01", "--to", "2026-01-01")


def test_sla_scorecard_both_sides(invoke: Any, demo_run: Any) -> None:
    demo_dir, done = demo_run
    assert done.exit_code == 0, done.output
    r = invoke("sla", "-w", demo_dir, *WINDOW)
    assert r.exit_code == 0, r.output
    assert "Marketing's side" in r.stdout
    assert "Sales' side" in r.stdout
    assert "mql_handoff_sla v1" in r.stdout


def test_sla_json_mqls_per_month_equal_pandas(invoke: Any, demo_run: Any) -> None:
    demo_dir, _ = demo_run
    r = invoke("sla", "-w", demo_dir, *WINDOW, "--period", "month", "-f", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["clock"] == "calendar"
    mql = raw_mql_keys(demo_dir / "data", demo_dir)
    want = mql.groupby(mql.ts.dt.strftime("%Y-%m")).key.nunique().to_dict()
    rows = data["marketing"]["rows"]
    assert len(rows) == 24
    for row in rows:
        assert row["mqls"] == want.get(row["period"], 0), row["period"]
        assert row["target"] == 400


def test_sla_business_hours_clock(invoke: Any, demo_run: Any) -> None:
    demo_dir, _ = demo_run
    r = invoke("sla", "-w", demo_dir, *WINDOW, "--business-hours", "--hours", "09:00-17:00",
               "-f", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["clock"] == "business hours"
    r = invoke("sla", "-w", demo_dir, "--hours", "9-5")
    assert r.exit_code != 0


def test_breaches_filter_by_rep_and_open(invoke: Any, demo_run: Any) -> None:
    demo_dir, _ = demo_run
    r = invoke("sla", "breaches", "-w", demo_dir, *WINDOW, "-f", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["breaches"]
    assert rows
    rep = rows[0]["rep"]
    r = invoke("sla", "breaches", "-w", demo_dir, *WINDOW, "--rep", rep, "--open", "-f", "json")
    assert r.exit_code == 0, r.output
    mine = json.loads(r.stdout)["breaches"]
    assert all(x["rep"] == rep and x["open"] for x in mine)
    want = [x for x in rows if x["rep"] == rep and x["open"]]
    assert len(mine) == len(want)


def test_feedback_leads_and_forecast_accuracy(invoke: Any, demo_run: Any) -> None:
    demo_dir, _ = demo_run
    r = invoke("feedback", "leads", "-w", demo_dir, *WINDOW, "--by", "source", "-f", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["by"] == "source"
    assert data["lead_value"]["kind"] == "lead_value"
    r = invoke("forecast", "accuracy", "-w", demo_dir, *WINDOW, "-f", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["accuracy"]["rows"]
    opp = pd.read_csv(demo_dir / "data" / "salesforce-opportunities.csv", dtype=str)
    won = opp[opp.Won == "TRUE"]
    amount = pd.to_numeric(won.Amount)
    total = float(amount[amount >= 0].sum())
    [overall] = [x for x in rows if x["period"] == "(all)"]
    assert overall["actual"] == total
    r = invoke("forecast", "accuracy", "-w", demo_dir, *WINDOW)
    assert r.exit_code == 0, r.output
    assert "b2b_funnel v1" in r.stdout


def test_demo_section_prints_scorecard_and_breaches(demo_copy: Path, capsys: Any) -> None:
    demo_section(Workspace.open(demo_copy))
    printed = capsys.readouterr().out
    assert "marketing's side" in printed
    assert "Top 5 SLA breaches" in printed
