"""``accord sla`` per team and the MQL target from the revenue goal, on the demo workspace:
teams equal the raw users export, the target equals a hand calculation from the inputs
it prints, and without owners a note says how to load them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from accord.data.workspace import Workspace

WINDOW = ("--from", "2024-01-01", "--to", "2026-01-01")


def _team_of(demo_dir: Path) -> dict[str, str]:
    users = pd.read_csv(demo_dir / "data" / "hubspot-users.csv", dtype=str)
    names = users["First Name"] + " " + users["Last Name"]
    return dict(zip(names, users["Assigned Teams"], strict=True))


def test_sla_json_teams_and_derived_target(invoke: Any, demo_run: Any) -> None:
    demo_dir, _ = demo_run
    r = invoke("sla", "-w", demo_dir, *WINDOW, "--marketing-share", "0.5", "-f", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["teams_note"] is None
    team_of = _team_of(demo_dir)
    per_team: dict[str, int] = {}
    for row in data["compliance"]["rows"]:
        if row["group"] != "(all)":
            team = team_of[row["group"]]
            per_team[team] = per_team.get(team, 0) + row["handoffs"]
    got = {r["group"]: r["handoffs"] for r in data["teams"]["rows"] if r["group"] != "(all)"}
    assert got == per_team
    t = data["derived_target"]
    assert t["marketing_share"] == 0.5
    assert t["revenue_goal"] == 12_000_000  # the starter goal company_revenue_2025
    needed = t["revenue_goal"] * 0.5 / t["average_deal_size"]
    for rate in reversed(t["rates"]):
        needed /= rate["converted"] / rate["entered"]
    assert t["needed_per_period"] == pytest.approx(needed / 12)
    assert t["committed_per_period"] == 400
    names = {d["name"] for d in t["definitions"]}
    assert {"company_revenue_2025", "average_deal_size"} <= names


def test_sla_table_shows_teams_target_and_breach_teams(invoke: Any, demo_run: Any) -> None:
    demo_dir, _ = demo_run
    r = invoke("sla", "-w", demo_dir, *WINDOW, "--revenue-goal", "6000000",
               "--marketing-share", "0.6")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "per team" in r.stdout
    assert "SDR \u2013 EMEA" in r.stdout
    assert "from the revenue goal" in r.stdout
    assert "--revenue-goal (a year)" in r.stdout
    assert "company_revenue_2025" not in r.stdout  # the option replaced the goal
    b = invoke("sla", "breaches", "-w", demo_dir, *WINDOW, "--limit", "20", "-f", "json")
    assert b.exit_code == 0, b.output
    rows = json.loads(b.stdout)["breaches"]
    team_of = _team_of(demo_dir)
    assert rows
    assert all(row["team"] == team_of[row["rep"]] for row in rows if row["rep"] in team_of)


def test_without_owners_a_note_says_how_to_load_them(invoke: Any, demo_copy: Path) -> None:
    with Workspace.open(demo_copy).warehouse() as wh:
        wh.duckdb.execute("DELETE FROM owners")
    r = invoke("sla", "-w", demo_copy, *WINDOW)
    assert r.exit_code == 0, r.output
    assert "per team" not in r.stdout
    assert "--preset hubspot-users" in r.stderr
