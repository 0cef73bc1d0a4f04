"""The workspace's marketing-mix model: weekly spend per channel against revenue or pipeline.

:func:`weekly_panel` aggregates the ``spend`` table (per ISO week and channel) and the
target (invoiced ``revenue`` by invoice week, or ``pipeline``: opportunity amounts by
creation week) inside the warehouse; only the small week x channel matrix comes into
Python. :func:`fit_workspace` fits :func:`accord.engines.budget.fit_mmm` on it and
:func:`recommend` splits a weekly budget with :func:`accord.engines.budget.budget_scenarios`.
Formulas and references: ``docs/budget.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

import ibis
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from accord.data.warehouse import Warehouse
from accord.definitions.results import Citation
from accord.definitions.store import InForceLookup
from accord.engines.budget import Allocation, Bounds, FitSettings, MMMFit, budget_scenarios, fit_mmm
from accord.errors import InputError

__all__ = [
    "TARGETS",
    "Recommendation",
    "Target",
    "WeeklyPanel",
    "WorkspaceFit",
    "cite",
    "fit_workspace",
    "recommend",
    "weekly_panel",
]

Target = Literal["revenue", "pipeline"]
TARGETS: tuple[Target, ...] = ("revenue", "pipeline")

_TARGET_DEFINITIONS: dict[Target, tuple[str, ...]] = {
    "revenue": ("paid_spend", "revenue"),
    "pipeline": ("paid_spend", "pipeline_created"),
}


def cite(definitions: InForceLookup | None, names: tuple[str, ...]) -> tuple[Citation, ...]:
    """Citations of the versions in force among *names* (those not in force are skipped)."""
    if definitions is None:
        return ()
    found = (definitions.in_force(n) for n in names)
    return tuple(v.citation() for v in found if v is not None)


@dataclass(frozen=True, eq=False)
class WeeklyPanel:
    """Spend per week and channel, and the target per week (weeks start on Monday)."""

    weeks: NDArray[np.datetime64]
    spend: NDArray[np.float64]
    target: NDArray[np.float64]
    channels: tuple[str, ...]
    target_name: Target

    @property
    def total_spend(self) -> float:
        """All spend in the panel."""
        return float(self.spend.sum())


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_panel(warehouse: Warehouse, *, target: Target = "revenue") -> WeeklyPanel:
    """The week x channel spend matrix and the weekly target, over the weeks with spend.

    Weeks with no spend row, and channels absent in a week, count as zero spend; weeks
    after the last spend (or before the first) are left out. Channels with no spend at all
    are dropped. Revenue counts every invoice that is not void or draft.
    """
    if "spend" not in warehouse.tables():
        raise InputError("The workspace has no spend table.", hint="`accord load` a spend export.")
    spend = warehouse.table("spend")
    week = spend.date.cast("date").truncate("W").name("week")
    by_week = spend.group_by([week, spend.channel]).aggregate(amount=spend.amount.sum()).to_pandas()
    by_week = by_week[by_week.amount.notna()]
    if by_week.empty:
        raise InputError("The spend table is empty.", hint="`accord load` a spend export.")
    totals = by_week.groupby("channel").amount.sum()
    channels = tuple(sorted(str(c) for c in totals[totals > 0].index))
    if not channels:
        raise InputError("Every spend row is zero.", hint="Load spend with amounts.")
    first = _monday(pd.Timestamp(by_week.week.min()).date())
    last = _monday(pd.Timestamp(by_week.week.max()).date())
    weeks = np.arange(
        np.datetime64(first, "D"), np.datetime64(last, "D") + 1, np.timedelta64(7, "D")
    )
    index = {w: i for i, w in enumerate(weeks)}
    matrix = np.zeros((weeks.size, len(channels)))
    column = {c: j for j, c in enumerate(channels)}
    for row in by_week.itertuples(index=False):
        if str(row.channel) in column:
            matrix[index[np.datetime64(row.week, "D")], column[str(row.channel)]] += row.amount
    outcome = np.zeros(weeks.size)
    for when, amount in _target_by_week(warehouse, target):
        i = index.get(np.datetime64(when, "D"))
        if i is not None:
            outcome[i] += amount
    return WeeklyPanel(weeks, matrix, outcome, channels, target)


def _target_by_week(warehouse: Warehouse, target: Target) -> list[tuple[date, float]]:
    if target == "revenue":
        if "revenue" not in warehouse.tables():
            raise InputError("The workspace has no revenue table.", hint="Load invoices.")
        t = warehouse.table("revenue")
        status = t.status.lower()
        t = t.filter(status.isnull() | ~status.isin(["void", "draft"]))
        when, amount = t.ts.cast("date").truncate("W"), t.amount
    else:
        if "opportunities" not in warehouse.tables():
            raise InputError("The workspace has no opportunities table.", hint="Load deals.")
        t = warehouse.table("opportunities")
        when, amount = t.created_at.cast("date").truncate("W"), t.amount
    frame = (
        t.group_by(week=when)
        .aggregate(total=amount.sum())
        .filter(ibis._.total.notnull())
        .to_pandas()
    )
    return [
        (pd.Timestamp(w).date(), float(v)) for w, v in zip(frame.week, frame.total, strict=True)
    ]


@dataclass(frozen=True, eq=False)
class WorkspaceFit:
    """The model fitted on the workspace's weekly panel."""

    panel: WeeklyPanel
    fit: MMMFit
    seconds: float
    citations: tuple[Citation, ...] = field(default=())


def fit_workspace(
    warehouse: Warehouse,
    *,
    target: Target = "revenue",
    settings: FitSettings | None = None,
    definitions: InForceLookup | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> WorkspaceFit:
    """Fit the marketing-mix model on the workspace's weekly spend and *target*.

    Raises
    ------
    InputError
        Too few weeks, or the model cannot be fitted (the engine's reason is given).
    """
    panel = weekly_panel(warehouse, target=target)
    settings = replace(settings or FitSettings(), periods_per_year=365.25 / 7)
    if panel.weeks.size < 3 * settings.l_max:
        raise InputError(
            f"{panel.weeks.size} weeks of spend are too few for a marketing-mix model.",
            hint=f"Load at least {3 * settings.l_max} weeks of spend and {target}.",
        )
    start = time.perf_counter()
    fit = fit_mmm(
        panel.spend,
        panel.target,
        channels=panel.channels,
        dates=panel.weeks,
        settings=settings,
        progress=progress,
    )
    seconds = time.perf_counter() - start
    if fit.status != "ok":
        raise InputError(f"Cannot fit a marketing-mix model to the workspace: {fit.reason}")
    return WorkspaceFit(panel, fit, seconds, cite(definitions, _TARGET_DEFINITIONS[target]))


@dataclass(frozen=True, eq=False)
class Recommendation:
    """The recommended weekly split of a budget, with the 0.5x and 2x scenarios."""

    model: WorkspaceFit
    allocation: Allocation
    scenarios: tuple[Allocation, ...]
    budget_given: bool

    @property
    def uplift(self) -> float:
        """Expected response gained over the historical mix at the same budget (share)."""
        base = self.allocation.historical_response
        return float("nan") if base == 0 else self.allocation.response / base - 1.0


def recommend(
    model: WorkspaceFit,
    *,
    budget: float | None = None,
    bounds: Bounds | None = None,
    periods: int = 1,
) -> Recommendation:
    """Split a weekly *budget* (default: the historical weekly average) across channels.

    Raises
    ------
    InputError
        The bounds cannot meet the budget.
    """
    historical = [c.mean_spend for c in model.fit.channels]
    amount = float(sum(historical)) if budget is None else float(budget)
    if amount <= 0:
        raise InputError("The budget must be positive.", hint="--budget 10000")
    scenarios = budget_scenarios(
        model.fit.curves, budget=amount, historical=historical, bounds=bounds, periods=periods
    )
    if scenarios[1].status != "ok":
        raise InputError(f"No allocation fits: {scenarios[1].reason}", hint="Widen --bounds.")
    return Recommendation(model, scenarios[1], scenarios, budget is not None)
