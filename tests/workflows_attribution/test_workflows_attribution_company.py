"""Attribution of a simulated company, checked against its planted truth and raw files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scipy.stats import spearmanr

from accord.data.workspace import Workspace
from accord.definitions.attribution import AttributionDefinition, Shapley
from accord.definitions.sql_store import SqlDefinitionStore
from accord.workflows.attribution import Report, Scope, TeamReport, attribute, attribute_teams

Company = Any  # the ``company`` fixture of this folder's conftest.py


def run(root: Path, models: tuple[str, ...] = (), **scope: Any) -> Report:
    ws = Workspace.open(root)
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        return attribute(wh, SqlDefinitionStore(state).snapshot(), models=models,
                         scope=Scope(**scope))  # fmt: skip


def teams(root: Path, **scope: Any) -> TeamReport:
    ws = Workspace.open(root)
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        return attribute_teams(wh, SqlDefinitionStore(state).snapshot(), scope=Scope(**scope))


def bad_ids(company: Company, file: str) -> set[str]:
    return {str(b["source_id"]) for b in company.truth["bad_rows"] if b["file"] == file}


def test_markov_and_shapley_rank_channels_as_the_planted_journeys(company: Company) -> None:
    """MQLs of people, all touches before the decision (as the truth counts them).

    Removal effects and Zhao et al.'s game credit a channel for the conversions of the
    journeys that include it, so they rank channels as the truth's realised MQLs with
    the channel in the journey (``mqls_with``), not as the planted *incremental* effects:
    exposure is unequal (docs/attribution.md, "What the numbers do not say").
    """
    planted = company.truth["channels"]["channels"]
    report = run(company.resolved, ("markov", "shapley"), conversion="mql", lookback_days=3650)
    names = sorted(planted)
    with_channel = [planted[c]["mqls_with"] for c in names]
    incremental = [planted[c]["incremental_mqls"] for c in names]
    for model in ("markov", "shapley"):
        credit = [report.result(model).credit(c) for c in names]
        assert spearmanr(with_channel, credit).statistic >= 0.9, model
        assert spearmanr(incremental, credit).statistic <= 0.6, model
        top = sorted(names, key=lambda c: -report.result(model).credit(c))[:3]
        assert set(top) <= set(sorted(names, key=lambda c: -planted[c]["mqls_with"])[:4])


def test_fitted_shapley_recovers_the_planted_incremental_ranking(company: Company) -> None:
    """The ``fitted_rate`` game (logistic conversion probabilities per channel set, on
    converting *and* non-converting journeys) ranks channels as the planted incremental
    MQLs (issue #6's quality bar).

    Measured (1,000 accounts, 3,650-day lookback, 11 planted channels; Spearman of
    credit vs ``incremental_mqls``): seeds 1, 2, 3, 4, 5, 7, 11, 23, 42, 101 give
    0.95, 0.95, 0.95, 0.91, 0.94, 0.88, 0.97, 0.98, 0.91, 0.85 (this fixture is seed 7);
    Markov (order 1, with nulls) 0.24-0.30 and Zhao's game 0.30-0.58 on the same data.
    """
    planted = company.truth["channels"]["channels"]
    models = ("shapley_fitted", "markov", "shapley")
    report = run(company.resolved, models, conversion="mql", lookback_days=3650)
    names = sorted(planted)
    incremental = [planted[c]["incremental_mqls"] for c in names]
    rho = {m: spearmanr(incremental, [report.result(m).credit(c) for c in names]).statistic
           for m in models}  # fmt: skip
    assert rho["shapley_fitted"] >= 0.8, rho
    assert rho["shapley_fitted"] >= max(rho["markov"], rho["shapley"]) + 0.3, rho
    fitted = report.result("shapley_fitted")
    assert fitted.ok
    assert sum(fitted.conversions) == pytest.approx(report.paths.total_conversions)
    # the two channels with the largest planted effect are in the fitted top three
    top = set(sorted(names, key=lambda c: -fitted.credit(c))[:3])
    assert set(sorted(names, key=lambda c: -planted[c]["incremental_mqls"])[:2]) <= top


def test_a_signed_shapley_definition_runs_its_game(company: Company, tmp_path: Path) -> None:
    """An attribution definition with ``model: {name: shapley, game: fitted_rate}`` in
    force is what ``in_force`` runs, with the game's parameters cited."""
    root = tmp_path / "ws"
    shutil.copytree(company.resolved, root)
    ws = Workspace.open(root)
    with ws.state() as state:
        store = SqlDefinitionStore(state)
        [current] = [v for v in store.current() if v.definition.kind == "attribution"]
        spec = current.definition
        assert isinstance(spec, AttributionDefinition)
        body = spec.body.model_copy(update={"model": Shapley(name="shapley", game="fitted_rate")})
        proposed = store.propose(spec.model_copy(update={"body": body}), by="demo")
        for team in proposed.pending_teams:
            store.sign(proposed.name, version=proposed.version, team=team, by=f"{team}-lead")
    report = run(root, ("shapley_fitted",), conversion="mql", lookback_days=3650)
    assert report.in_force == "shapley"
    in_force = report.result("in_force")
    assert ("characteristic", "fitted_rate") in in_force.parameters
    assert in_force.conversions == report.result("shapley_fitted").conversions
    assert any(c.version == proposed.version for c in report.citations)


def test_credit_sums_to_the_opportunities_of_the_raw_file(company: Company) -> None:
    raw = pd.read_csv(company.data / "salesforce-opportunities.csv", dtype=str)
    raw = raw[~raw["Opportunity ID"].isin(bad_ids(company, "salesforce-opportunities.csv"))]
    amount = raw["Amount"].astype(float).sum()
    for level in ("person", "account"):
        report = run(company.resolved, ("all",), level=level)
        assert report.conversion_events == len(raw)
        attributed = report.paths.total_conversions
        assert attributed + report.paths.unattributed_conversions == len(raw)
        assert attributed > 0.9 * len(raw)
        value = report.paths.total_value
        assert value is not None
        assert value + report.paths.unattributed_value == pytest.approx(amount)
        for r in report.results:
            assert r.ok, r.model
            assert sum(r.conversions) == pytest.approx(attributed), r.model
            assert sum(r.value or ()) == pytest.approx(value), r.model


def pandas_team_credit(company: Company, lookback_days: int = 90) -> pd.DataFrame:
    """Sourced and influenced opportunities and pipeline per team from the raw files."""
    ident = pd.read_csv(company.data / "ground_truth" / "identity.csv", dtype=str)
    person = {(s, r): p for s, r, p in zip(ident.source_system, ident.source_id,
                                           ident.person_id, strict=True)}  # fmt: skip

    def who(system: str, ids: pd.Series) -> pd.Series:
        return ids.map(lambda r: person.get((system, r), f"{system}:{r}"))

    tp = pd.read_csv(company.data / "accord-touchpoints.csv", dtype=str)
    bad = bad_ids(company, "accord-touchpoints.csv")
    tp = tp[tp.contact_id.notna() & ~tp.touchpoint_id.isin(bad)]
    tp = pd.DataFrame({
        "person": who("hubspot", tp.contact_id),
        "ts": pd.to_datetime(tp.ts, utc=True).dt.tz_localize(None),
        "team": tp.team.fillna("unassigned"),
    }).sort_values(["person", "ts", "team"])  # fmt: skip
    op = pd.read_csv(company.data / "salesforce-opportunities.csv", dtype=str)
    op = op[~op["Opportunity ID"].isin(bad_ids(company, "salesforce-opportunities.csv"))]
    op = pd.DataFrame({
        "person": who("salesforce", op["Contact ID"]),
        "ts": pd.to_datetime(op["Created Date"], format="%m/%d/%Y"),
        "amount": op["Amount"].astype(float),
    }).sort_values(["person", "ts"])  # fmt: skip
    op["prev"] = op.groupby("person").ts.shift()
    hs = pd.read_csv(company.data / "hubspot-contacts.csv", dtype=str)
    hs = hs[hs["Became a Lead Date"].notna()
            & ~hs["Record ID"].isin(bad_ids(company, "hubspot-contacts.csv"))]  # fmt: skip
    sf = pd.read_csv(company.data / "salesforce-leads.csv", dtype=str)
    sf = sf[~sf["Lead ID"].isin(bad_ids(company, "salesforce-leads.csv"))]
    leads = pd.concat([
        pd.DataFrame({"person": who("hubspot", hs["Record ID"]),
                      "ts": pd.to_datetime(hs["Became a Lead Date"], format="%Y-%m-%d %H:%M")}),
        pd.DataFrame({"person": who("salesforce", sf["Lead ID"]),
                      "ts": pd.to_datetime(sf["Create Date"], format="%m/%d/%Y")}),
    ])  # fmt: skip
    touches_of = dict(tuple(tp.groupby("person")))
    leads_of = dict(tuple(leads.groupby("person")))
    rows = []
    window = pd.Timedelta(days=lookback_days)
    for o in op.itertuples():
        t = touches_of.get(o.person)
        if t is None:
            continue
        t = t[(t.ts <= o.ts) & (t.ts > o.ts - window)]
        if not pd.isna(o.prev):
            t = t[t.ts > o.prev]
        if t.empty:
            continue
        origin = t.team.iloc[0]
        lead = leads_of.get(o.person)
        if lead is not None and (lead.ts <= o.ts).any():
            before = t[t.ts <= lead.ts[lead.ts <= o.ts].min()]
            if not before.empty:
                origin = before.team.iloc[-1]
        for team in t.team.unique():
            rows.append({"team": team, "sourced": float(team == origin),
                         "sourced_value": o.amount * (team == origin),
                         "influenced": 1.0, "influenced_value": o.amount})  # fmt: skip
        if origin not in set(t.team):
            raise AssertionError("origin must be a team of the journey")
    return pd.DataFrame(rows).groupby("team").sum()


def test_sourced_and_influenced_equal_a_pandas_computation(company: Company) -> None:
    report = teams(company.resolved)
    ours = report.table().to_pandas().set_index("team")
    theirs = pandas_team_credit(company)
    assert sorted(ours.index) == sorted(theirs.index)
    for col in ("sourced", "sourced_value", "influenced", "influenced_value"):
        for team in theirs.index:
            assert ours.loc[team, col] == pytest.approx(theirs.loc[team, col]), (team, col)
    # sourced is a partition of the conversions; influenced overlaps and is never a total
    assert ours.sourced.sum() == pytest.approx(report.teams.total_conversions)
    assert ours.influenced.sum() > report.teams.total_conversions
    assert ours.credit.sum() == pytest.approx(report.teams.total_conversions)
    # the planted sourcing team (inbound: marketing, outbound: sales, referred: partners)
    planted = company.truth["sourcing"]
    assert ours.loc["partners", "sourced"] == planted["partners"]["opportunities"]
    mkt = planted["marketing"]["opportunities"]
    assert abs(ours.loc["marketing", "sourced"] - mkt) <= 0.05 * mkt


def test_before_resolution_mqls_work_and_opportunities_say_why_not(company: Company) -> None:
    mql = run(company.unresolved, ("linear",), conversion="mql")
    assert mql.paths.total_conversions > 0.9 * mql.conversion_events
    opp = run(company.unresolved, ("linear",))
    assert opp.conversion_events > 0
    assert opp.paths.total_conversions == 0
    assert any("accord resolve" in note for note in opp.notes)
