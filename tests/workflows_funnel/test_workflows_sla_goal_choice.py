"""Which goal the derived MQL target starts from, on hand-built snapshots of the starter
definitions (no warehouse): a revenue goal, never a pipeline or MQL goal; the share from a
``marketing_sourced_revenue`` goal under it."""

from __future__ import annotations

import datetime as dt

from accord.definitions.goal import GoalBody, GoalDefinition
from accord.definitions.starter import starter_catalog
from accord.definitions.store import DefinitionVersion, InForceSnapshot, Status
from accord.workflows.revenue.sla_target import _periods, _revenue_goal, _share_goal

AT = dt.datetime(2025, 1, 1)


def _version(definition: object) -> DefinitionVersion:
    return DefinitionVersion(definition, 1, Status.IN_FORCE, "h", "t", AT)  # type: ignore[arg-type]


def _snapshot(*names: str, extra: tuple[object, ...] = ()) -> InForceSnapshot:
    catalog = starter_catalog()
    defs = [catalog.get(n).definition for n in names] + list(extra)
    return InForceSnapshot({d.name: _version(d) for d in defs}, None)  # type: ignore[arg-type, attr-defined]


METRICS = ("revenue", "marketing_sourced_pipeline", "mqls", "marketing_sourced_revenue")
GOALS = ("company_revenue_2025", "marketing_pipeline_2025", "mql_volume_2025")


def test_the_revenue_goal_not_the_pipeline_or_mql_goal() -> None:
    snap = _snapshot(*METRICS, *GOALS)
    chosen = _revenue_goal(snap, dt.date(2025, 6, 1))
    assert chosen is not None
    assert chosen.name == "company_revenue_2025"
    without = _snapshot(*METRICS, "marketing_pipeline_2025", "mql_volume_2025")
    assert _revenue_goal(without, dt.date(2025, 6, 1)) is None


def test_share_from_a_marketing_sourced_revenue_goal_under_it() -> None:
    body = GoalBody(metric="marketing_sourced_revenue", target=7_200_000, period="2025",
                    owner_team="marketing", parent="company_revenue_2025")  # fmt: skip
    child = GoalDefinition(name="marketing_revenue_2025", owners=("marketing",), body=body)
    snap = _snapshot(*METRICS, *GOALS, extra=(child,))
    found = _share_goal(snap, "company_revenue_2025")
    assert found is not None
    assert found.name == "marketing_revenue_2025"
    assert _share_goal(snap, "marketing_pipeline_2025") is None


def test_periods_in_a_goal_period() -> None:
    assert (_periods("2025", "month"), _periods("2025", "quarter")) == (12, 4)
    assert (_periods("2025", "week"), _periods("2025-Q2", "month"), _periods(None, "week")) == (
        52, 3, 52,
    )  # fmt: skip
