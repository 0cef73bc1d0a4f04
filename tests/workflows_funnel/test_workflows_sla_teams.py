"""SLA compliance per sales team: the owners table (the simulator's HubSpot users export)
gives each rep a team. Checked against the raw users file (pandas), the simulator's own
tally of realised breaches and the planted per-team breach rates; and on a hand-built
owners file."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.workflows.revenue import revenue_context
from accord.workflows.revenue.sla import NO_TEAM, OWNERS_HINT, SlaResult, sla_with


def _window(company: Any) -> tuple[dt.datetime, dt.datetime]:
    sim = company.truth["simulation"]
    return dt.datetime.fromisoformat(sim["start"]), dt.datetime.fromisoformat(sim["end"])


def _sla(ws: Workspace, start: dt.datetime, end: dt.datetime) -> SlaResult:
    with ws.state() as state, revenue_context(ws, SqlDefinitionStore(state), as_of=end) as ctx:
        return sla_with(ctx, start=start, end=end, first_only=True)


@pytest.fixture(scope="module")
def result(company: Any) -> SlaResult:
    return _sla(company.workspace, *_window(company))


def _teams_from_raw(company: Any) -> dict[str, str]:
    users = pd.read_csv(company.data / "hubspot-users.csv", dtype=str)
    names = users["First Name"].str.strip() + " " + users["Last Name"].str.strip()
    return dict(zip(names, users["Assigned Teams"], strict=True))


def test_team_rows_equal_pandas_over_the_rep_rows_and_the_raw_users_file(
    company: Any, result: SlaResult
) -> None:
    assert result.teams_note is None
    team_of = _teams_from_raw(company)
    reps = pd.DataFrame([r for r in result.compliance.rows() if r["group"] != "(all)"])
    reps["team"] = reps["group"].map(team_of).fillna(NO_TEAM)
    cols = ["handoffs", "first_touch_met", "first_touch_breached", "decision_breached"]
    expected = reps.groupby("team")[cols].sum()
    teams = {r["group"]: r for r in result.teams.rows()}
    assert set(teams) - {"(all)"} == set(expected.index)
    for team, row in expected.iterrows():
        assert {c: teams[str(team)][c] for c in cols} == {c: int(row[c]) for c in cols}, team
    assert "SDR \u2013 EMEA" in teams
    assert teams["(all)"]["handoffs"] == int(reps["handoffs"].sum())


def test_planted_breach_rates_per_team_are_recovered(company: Any, result: SlaResult) -> None:
    """Per team: first-touch breaches within one per rep of the simulator's realised tally,
    and the rate within 3 binomial standard errors (+ 1/n) of the planted rate (the reps'
    planted rates weighted by their hand-offs)."""
    truth = company.truth["sla"]["teams"]
    rows = {r["group"]: r for r in result.teams.rows()}
    checked = 0
    for team, t in truth.items():
        if t["realised"]["mqls"] == 0:
            continue
        row, slack = rows[team], len(t["reps"])
        n = row["first_touch_met"] + row["first_touch_breached"]
        assert abs(n - t["realised"]["mqls"]) <= slack, team
        assert abs(row["first_touch_breached"] - t["realised"]["breaches"]) <= slack, team
        p = t["planted"]["breach_rate"]
        se = math.sqrt(p * (1 - p) / n)
        assert abs(row["first_touch_breached"] / n - p) < 3 * se + 1 / n, (team, p, n)
        checked += 1
    assert checked >= 3


def test_breaches_name_the_team(company: Any) -> None:
    start, end = _window(company)
    with company.workspace.state() as state:
        store = SqlDefinitionStore(state)
        with revenue_context(company.workspace, store, as_of=end) as ctx:
            br = sla_with(ctx, start=start, end=end, breach_limit=50).breaches.rows()
    team_of = _teams_from_raw(company)
    assert br
    for r in br:
        assert r["team"] == team_of.get(r["owner"], NO_TEAM), r


def test_hand_built_owners_file_and_no_owners(company: Any, tmp_path: Path) -> None:
    """A copy of the workspace: with the owners emptied, every rep is ``NO_TEAM`` and the
    result says how to load owners; with a hand-built Salesforce users file (two teams,
    reps found by full name, a first/last-name-only row), the team rows are the sums of
    those reps' rows."""
    root = tmp_path / "ws"
    shutil.copytree(company.root, root)
    ws = Workspace.open(root)
    start, end = _window(company)
    with ws.warehouse() as wh:
        wh.duckdb.execute("DELETE FROM owners")
    empty = _sla(ws, start, end)
    assert empty.teams_note == OWNERS_HINT
    assert {r["group"] for r in empty.teams.rows()} == {NO_TEAM, "(all)"}
    users = tmp_path / "users.csv"
    users.write_text(
        "Full Name,Email,Role,Profile,User ID,Active\n"
        "Dana Whitfield,dana@x.example,Team Alpha,Standard User,005A,TRUE\n"
        " marcus oyelaran ,marcus@x.example,Team Alpha,Standard User,005B,TRUE\n"
        "Chloe Martin,chloe@x.example,Team Beta,Standard User,005C,FALSE\n",
        encoding="utf-8",
    )
    with ws.warehouse() as wh:
        report = load_file(wh, users, mapping=get_preset("salesforce-users"))
    assert report.inserted == 3
    built = _sla(ws, start, end)
    assert built.teams_note is None
    hand = {"Dana Whitfield": "Team Alpha", "Marcus Oyelaran": "Team Alpha",
            "Chloe Martin": "Team Beta"}  # fmt: skip
    expected: dict[str, int] = {}
    for r in built.compliance.rows():
        if r["group"] != "(all)":
            team = hand.get(r["group"], NO_TEAM)
            expected[team] = expected.get(team, 0) + r["first_touch_breached"]
    got = {r["group"]: r["first_touch_breached"] for r in built.teams.rows()}
    assert got.pop("(all)") == sum(expected.values())
    assert got == expected
    assert expected["Team Alpha"] > 0
