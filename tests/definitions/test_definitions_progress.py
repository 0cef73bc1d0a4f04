"""Goal progress (progress.py): attainment, pace and status, on hand-worked numbers and on
the hand-built workspace, whose values pandas recomputes from the raw rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.definitions import parse_definition, starter_catalog
from accord.definitions.memory_store import MemoryDefinitionStore
from accord.definitions.progress import assess, goal_progress, pending_goals
from accord.definitions.specs import Definition
from accord.definitions.store import InForceSnapshot


@pytest.mark.parametrize(
    ("value", "target", "elapsed", "direction", "cumulative", "expected"),
    [
        (1800, 4800, 0.25, "higher", True, (0.375, 1.5, "on-track")),
        (600, 4800, 0.25, "higher", True, (0.125, 0.5, "behind")),
        (5000, 4800, 0.5, "higher", True, (5000 / 4800, 5000 / 4800 / 0.5, "met")),
        (4000, 4800, 1.0, "higher", True, (4000 / 4800, 4000 / 4800, "missed")),
        (0.65, 0.6, 0.5, "higher", False, (0.65 / 0.6, None, "on-track")),
        (0.55, 0.6, 1.0, "higher", False, (0.55 / 0.6, None, "missed")),
        (400, 500, 0.5, "lower", False, (0.8, None, "on-track")),  # e.g. a CAC ceiling
        (600, 500, 0.5, "lower", False, (1.2, None, "behind")),
        (300, 1000, 0.5, "lower", True, (0.3, 0.6, "on-track")),  # spend within a budget
        (700, 1000, 0.5, "lower", True, (0.7, 1.4, "behind")),
        (1100, 1000, 0.5, "lower", True, (1.1, 2.2, "missed")),
        (None, 1000, 0.5, "higher", True, (None, None, "no-data")),
        (10, 1000, 0.0, "higher", True, (None, None, "not-started")),
    ],
)
def test_assess(
    value: float | None,
    target: float,
    elapsed: float,
    direction: Any,
    cumulative: bool,
    expected: tuple[float | None, float | None, str],
) -> None:
    got = assess(
        value=value, target=target, elapsed=elapsed, direction=direction, cumulative=cumulative
    )
    assert (got.attainment, got.pace, got.status) == pytest.approx(expected)


@given(
    value=st.floats(0, 1e9),
    target=st.floats(1, 1e9),
    elapsed=st.floats(0.001, 1),
)
def test_pace_is_attainment_over_elapsed_and_one_means_on_course(
    value: float, target: float, elapsed: float
) -> None:
    got = assess(value=value, target=target, elapsed=elapsed, direction="higher", cumulative=True)
    assert got.attainment is not None
    assert got.pace is not None
    assert got.pace * elapsed == pytest.approx(got.attainment)
    # a linear projection reaches the target at the period's end exactly when pace >= 1
    reaches = value / elapsed >= target
    assert got.status in (("met", "on-track") if reaches else ("behind", "missed", "met"))
    if elapsed < 1 and value < target:
        assert got.status == ("on-track" if reaches else "behind")


def _goal(name: str, metric: str, target: float, period: str, **extra: Any) -> Definition:
    return parse_definition(
        {"kind": "goal", "name": name, "owners": ["marketing", "sales"],
         "body": {"metric": metric, "target": target, "period": period,
                  "owner_team": "marketing", **extra}}
    )  # fmt: skip


def _in_force(store: MemoryDefinitionStore, definition: Definition) -> None:
    v = store.propose(definition, by="admin")
    for team in definition.owners:
        store.sign(definition.name, version=v.version, team=team, by=f"lead_{team}")


def _snapshot(store: MemoryDefinitionStore) -> InForceSnapshot:
    found = {n: store.in_force(n) for n in store.names()}
    return InForceSnapshot({n: v for n, v in found.items() if v is not None}, store)


def _mqls_pandas(frames: dict[str, pd.DataFrame], start: str, end: str, **where: str) -> int:
    """Distinct (source system, contact) MQL events in [start, end), optionally by segment."""
    e = frames["lifecycle_events"]
    e = e[(e.stage == "mql") & (e.ts >= start) & (e.ts < end)]
    if "segment" in where:
        c = frames["contacts"].merge(
            frames["accounts"][["source_system", "account_id", "segment"]],
            on=["source_system", "account_id"],
            how="left",
        )
        e = e.merge(
            c[["source_system", "contact_id", "segment"]], on=["source_system", "contact_id"]
        )
        e = e[e.segment == where["segment"]]
    return len(e[["source_system", "contact_id"]].drop_duplicates())


def test_goal_progress_on_the_hand_built_workspace(
    workspace: Any, frames: dict[str, pd.DataFrame]
) -> None:
    store = MemoryDefinitionStore()
    metrics = starter_catalog().metrics()
    _in_force(store, metrics["mqls"])
    _in_force(store, _goal("q1_mqls", "mqls", 10, "2025-Q1"))
    _in_force(store, _goal("q1_smb_mqls", "mqls", 2, "2025-Q1", slice={"segment": "smb"}))
    _in_force(store, _goal("ltv_goal", "ltv", 1000, "2025"))
    _in_force(store, metrics["ltv"])
    store.propose(metrics["win_rate"], by="admin")
    store.propose(metrics["closed_opportunities"], by="admin")
    _in_force(store, _goal("win_goal", "win_rate", 0.3, "2025"))
    store.propose(_goal("pending_goal", "mqls", 1, "2025"), by="admin")

    progress = {
        p.goal.name: p for p in goal_progress(_snapshot(store), workspace, as_of=date(2025, 3, 1))
    }
    assert sorted(progress) == ["ltv_goal", "q1_mqls", "q1_smb_mqls", "win_goal"]

    q1 = progress["q1_mqls"]
    value = _mqls_pandas(frames, "2025-01-01", "2025-03-01")
    assert value == 6  # C1, C2, C3, C4, C5 in the CRM and C1 in HubSpot
    elapsed = 59 / 90
    assert (q1.value, q1.elapsed) == (value, pytest.approx(elapsed))
    assert q1.assessment.pace == pytest.approx(value / 10 / elapsed)
    assert q1.assessment.status == "behind"
    assert q1.result is not None
    assert (
        str(q1.result.metric) == "mqls v1 (signed by marketing: lead_marketing, sales: lead_sales)"
    )

    smb = progress["q1_smb_mqls"]
    assert smb.value == _mqls_pandas(frames, "2025-01-01", "2025-03-01", segment="smb") == 3
    assert smb.assessment.status == "met"

    assert progress["ltv_goal"].assessment.status == "needs-engine"
    assert "clv engine" in progress["ltv_goal"].note
    assert progress["win_goal"].assessment.status == "not-in-force"
    assert "win_rate v1 needs the signature of sales" in progress["win_goal"].note
    assert pending_goals(store) == ["pending_goal"]


def test_a_goal_before_its_period_has_not_started(workspace: Any) -> None:
    store = MemoryDefinitionStore()
    _in_force(store, starter_catalog().metrics()["mqls"])
    _in_force(store, _goal("later", "mqls", 10, "2026"))
    [p] = goal_progress(_snapshot(store), workspace, as_of=date(2025, 6, 1))
    assert (p.elapsed, p.value, p.assessment.status) == (0.0, None, "not-started")
