"""Marketing's MQL target derived from the revenue goal, on the simulated workspace
(conftest): every input checked against the raw files or the starter YAML, and the chain
against a hand calculation."""

from __future__ import annotations

import dataclasses
from importlib import resources
from typing import Any

import pandas as pd
import pytest
import yaml

from accord.definitions.sql_store import SqlDefinitionStore
from accord.errors import InputError
from accord.workflows.revenue import revenue_context
from accord.workflows.revenue.sla_target import TargetDerivation, derive_mql_target


def _derive(company: Any, **kw: Any) -> TargetDerivation:
    with company.workspace.state() as state:
        store = SqlDefinitionStore(state)
        snap = store.snapshot()
        with revenue_context(company.workspace, store) as ctx:
            return derive_mql_target(ctx, snap, period="month", **kw)


@pytest.fixture(scope="module")
def derived(company: Any) -> TargetDerivation:
    return _derive(company, marketing_share=0.6)


def _starter_goal() -> dict[str, Any]:
    path = resources.files("accord.definitions").joinpath("starter/goals/company_revenue_2025.yaml")
    body: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))["body"]
    return body


def test_revenue_goal_is_the_signed_goal(derived: TargetDerivation) -> None:
    goal = _starter_goal()
    assert derived.revenue_goal == goal["target"]
    assert derived.goal_period == str(goal["period"])
    assert derived.periods == 12  # a yearly goal read per month
    assert "company_revenue_2025" in derived.revenue_source
    names = {c.name for c in derived.citations}
    assert {"company_revenue_2025", "average_deal_size", "b2b_funnel", "mql_handoff_sla"} <= names
    assert derived.marketing_share == 0.6
    assert derived.share_source == "--marketing-share"


def test_average_deal_size_equals_pandas_on_the_raw_export(
    company: Any, derived: TargetDerivation
) -> None:
    raw = pd.read_csv(company.data / "salesforce-opportunities.csv", dtype=str)
    raw["amount"] = pd.to_numeric(raw["Amount"], errors="coerce")
    raw["closed"] = pd.to_datetime(raw["Close Date"], format="%m/%d/%Y", errors="coerce")
    won = raw[
        (raw["Won"].str.upper() == "TRUE")
        & (raw["amount"] >= 0)  # the planted negative amount is quarantined
        & (raw["closed"] >= pd.Timestamp(derived.measured_from.date()))
        & (raw["closed"] < pd.Timestamp(derived.measured_to.date()))
    ]
    assert len(won) > 5
    assert derived.won_deals == len(won)
    assert derived.average_deal_size == pytest.approx(won["amount"].mean(), rel=1e-9)


def test_chain_equals_a_hand_calculation(derived: TargetDerivation) -> None:
    assert derived.ok, derived.notes
    assert [r.from_stage for r in derived.rates] == ["mql", "sal", "sql", "opportunity"]
    for r in derived.rates:
        assert r.rate == pytest.approx(r.converted / r.entered)
    goal, share, size = derived.revenue_goal, derived.marketing_share, derived.average_deal_size
    assert goal is not None
    assert share is not None
    assert size is not None
    needed = goal * share / size  # customers
    by_hand = {"customer": needed}
    for r in reversed(derived.rates):
        assert r.rate is not None
        needed = needed / r.rate
        by_hand[r.from_stage] = needed
    assert derived.plan is not None
    assert {s.stage: s.needed for s in derived.plan.steps} == pytest.approx(by_hand)
    assert derived.needed_per_period == pytest.approx(by_hand["mql"] / 12)
    assert derived.committed == 400  # the starter SLA's volume per month
    data = derived.to_json()
    assert data["needed_per_period"] == pytest.approx(by_hand["mql"] / 12)


def test_options_override_the_goal_and_scale_linearly(
    company: Any, derived: TargetDerivation
) -> None:
    assert derived.revenue_goal is not None
    assert derived.needed_per_period is not None
    tenth = _derive(company, revenue_goal=derived.revenue_goal / 10, marketing_share=0.6)
    assert tenth.revenue_source.startswith("--revenue-goal")
    assert tenth.periods == 12
    assert tenth.needed_per_period == pytest.approx(derived.needed_per_period / 10)


def test_without_a_share_it_says_how_to_give_one(company: Any) -> None:
    t = _derive(company)
    assert not t.ok
    assert t.needed_per_period is None
    assert any("--marketing-share" in n for n in t.notes)
    with pytest.raises(InputError):
        _derive(company, marketing_share=1.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.revenue_goal = 1.0  # type: ignore[misc]
