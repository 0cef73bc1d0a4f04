"""The shared scorecard: goals with targets and pace, and the metrics teams co-own.

Everything on it is computed from the definitions **in force** (signed by every owning
team), read once (:meth:`~accord.definitions.sql_store.SqlDefinitionStore.snapshot`) so
the whole page cites one consistent set of versions; every number carries the version
used and who signed it. Definitions waiting for signatures are listed apart.

- **as of** is the newest day in the data (lifecycle events, deals, invoices), not
  today: a historical export still shows its own last month.
- **Goals**: :func:`~accord.definitions.progress.goal_progress` (attainment, pace,
  status) on the data up to *as of*, with the goal's metric by month for the chart.
- **Shared metrics** are the metrics in force that two teams or more own, or that a goal
  is measured by: the last complete month, the month before, and a 12-month trend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import ibis.expr.types as ir

from accord.data.schema import TABLES
from accord.data.warehouse import Warehouse
from accord.definitions.compile import NotCompilable
from accord.definitions.evaluate import evaluate_metric
from accord.definitions.goal import GoalDefinition
from accord.definitions.measures import GRAINS, Count, CountDistinct, Grain, Sum
from accord.definitions.metric import MetricDefinition
from accord.definitions.progress import GoalProgress, goal_progress
from accord.definitions.results import Citation, MetricResult
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import InForceSnapshot, NotInForce, Status
from accord.errors import AccordError

__all__ = [
    "GoalCard",
    "MetricCard",
    "PendingItem",
    "Point",
    "Scorecard",
    "add_months",
    "build_scorecard",
    "data_as_of",
    "last_complete_month",
]

AS_OF_COLUMNS: tuple[tuple[str, str], ...] = (
    ("lifecycle_events", "ts"),
    ("opportunities", "created_at"),
    ("revenue", "ts"),
)
"""Where "the newest day in the data" is read."""

TREND_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Point:
    """One period of a trend."""

    period: date
    value: float | None


@dataclass(frozen=True, slots=True)
class MetricCard:
    """A shared metric: last complete month, the month before, the trend, its citation."""

    name: str
    description: str
    owners: tuple[str, ...]
    unit: str
    format: str | None
    direction: str
    citation: Citation
    inputs: tuple[Citation, ...]
    month: date | None
    value: float | None
    previous: float | None
    trend: tuple[Point, ...]
    note: str | None
    """Why there is no number (an engine computes it, no data, an input not in force)."""


@dataclass(frozen=True, slots=True)
class GoalCard:
    """A goal's progress, its metric's format, and its metric by month for the chart."""

    progress: GoalProgress
    metric: MetricDefinition | None
    metric_citation: Citation | None
    monthly: tuple[Point, ...]
    monthly_target: float | None
    """The target spread evenly over the months (accumulating metrics), else the target."""

    @property
    def name(self) -> str:
        """The goal's name."""
        return self.progress.definition.name


@dataclass(frozen=True, slots=True)
class PendingItem:
    """A proposed definition version and the teams that still have to sign it."""

    name: str
    kind: str
    version: int
    teams: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The whole scorecard page."""

    as_of: date | None
    goals: tuple[GoalCard, ...]
    metrics: tuple[MetricCard, ...]
    pending: tuple[PendingItem, ...]


def add_months(day: date, months: int) -> date:
    """The first day of the month *months* after *day*'s month.

    >>> add_months(date(2025, 11, 20), 3)
    datetime.date(2026, 2, 1)
    """
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_complete_month(as_of: date) -> date:
    """The first day of the newest month that *as_of* completes.

    >>> last_complete_month(date(2025, 12, 31)), last_complete_month(date(2025, 12, 30))
    (datetime.date(2025, 12, 1), datetime.date(2025, 11, 1))
    """
    month = as_of.replace(day=1)
    return month if (as_of + timedelta(days=1)).month != as_of.month else add_months(month, -1)


def _to_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def data_as_of(tables: Mapping[str, ir.Table]) -> date | None:
    """The newest day with lifecycle events, deals or invoices (``None``: no data)."""
    found = [
        day
        for table, column in AS_OF_COLUMNS
        if table in tables
        and (day := _to_date(tables[table][column].max().to_pyarrow().as_py())) is not None
    ]
    return max(found, default=None)


def _trend_grain(metric: MetricDefinition) -> Grain:
    grain = metric.body.grain
    return grain if GRAINS.index(grain) > GRAINS.index("month") else "month"


def _periods(outcome: object, slice_: Mapping[str, str] = {}) -> dict[date, float | None]:
    if not isinstance(outcome, MetricResult):
        return {}
    return {
        v.period: v.value
        for v in outcome.values
        if v.period is not None
        and all(str(dict(v.dimensions).get(d)) == want for d, want in slice_.items())
    }


def _note(outcome: object) -> str | None:
    if isinstance(outcome, NotInForce | NotCompilable):
        return outcome.message
    if isinstance(outcome, MetricResult) and not outcome.values:
        return "No data in the last 12 months."
    return None


def _metric_card(
    snapshot: InForceSnapshot, tables: Mapping[str, ir.Table], name: str, as_of: date | None
) -> MetricCard:
    version = snapshot.versions[name]
    metric = version.definition
    assert isinstance(metric, MetricDefinition)
    outcome: object = None
    start = month = None
    if as_of is not None:
        month = last_complete_month(as_of)
        start = add_months(month, 1 - TREND_MONTHS)
        try:
            outcome = evaluate_metric(
                snapshot,
                tables,
                name,
                grain=_trend_grain(metric),
                start=start,
                end=add_months(month, 1),
            )
        except AccordError as exc:
            outcome = exc
    values = _periods(outcome)
    trend = (
        tuple(Point(p, values.get(p)) for p in (add_months(start, i) for i in range(12)))
        if start is not None and values
        else ()
    )
    note = _note(outcome) if as_of is not None else "No data loaded yet."
    if isinstance(outcome, AccordError):
        note = outcome.message
    return MetricCard(
        name=name,
        description=metric.description,
        owners=tuple(metric.owners),
        unit=metric.body.unit,
        format=metric.body.format,
        direction=metric.body.direction,
        citation=version.citation(),
        inputs=outcome.inputs if isinstance(outcome, MetricResult) else (),
        month=month,
        value=values.get(month) if month else None,
        previous=values.get(add_months(month, -1)) if month else None,
        trend=trend,
        note=note,
    )


def _goal_card(
    snapshot: InForceSnapshot,
    tables: Mapping[str, ir.Table],
    progress: GoalProgress,
    cutoff: date | None,
) -> GoalCard:
    body = progress.definition.body
    version = snapshot.in_force(body.metric)
    metric = version.definition if version else None
    if not isinstance(metric, MetricDefinition):
        return GoalCard(progress, None, None, (), None)
    monthly: dict[date, float | None] = {}
    if cutoff is not None and progress.elapsed > 0 and progress.result is not None:
        try:
            outcome = evaluate_metric(
                snapshot,
                tables,
                body.metric,
                grain=_trend_grain(metric),
                by=sorted(dict(body.slice)),
                start=progress.start,
                end=min(progress.end, cutoff),
            )
        except AccordError:
            outcome = None
        monthly = _periods(outcome, dict(body.slice))
    months = (progress.end.year - progress.start.year) * 12 + (
        progress.end.month - progress.start.month
    )
    cumulative = isinstance(metric.body.measure, Count | CountDistinct | Sum)
    per_month = body.target / months if cumulative and months else body.target
    return GoalCard(
        progress,
        metric,
        version.citation() if version else None,
        tuple(Point(p, v) for p, v in sorted(monthly.items())),
        per_month,
    )


def _goal_order(goals: Sequence[GoalProgress]) -> list[GoalProgress]:
    parents = {g.definition.name: g.definition.body.parent for g in goals}

    def depth(name: str) -> int:
        seen, d = {name}, 0
        while (parent := parents.get(name)) is not None and parent in parents:
            if parent in seen:
                break
            seen.add(parent)
            name, d = parent, d + 1
        return d

    return sorted(goals, key=lambda g: (depth(g.definition.name), g.definition.name))


def warehouse_tables(warehouse: Warehouse) -> dict[str, ir.Table]:
    """The canonical tables the warehouse has, as Ibis tables."""
    have = set(warehouse.tables())
    return {t: warehouse.table(t) for t in TABLES if t in have}


def build_scorecard(store: SqlDefinitionStore, warehouse: Warehouse) -> Scorecard:
    """Compute the scorecard (one warehouse query per goal and metric)."""
    snapshot = store.snapshot()
    tables = warehouse_tables(warehouse)
    as_of = data_as_of(tables)
    cutoff = as_of + timedelta(days=1) if as_of is not None else None
    progress = goal_progress(snapshot, tables, as_of=cutoff) if cutoff else []
    goals = tuple(_goal_card(snapshot, tables, p, cutoff) for p in _goal_order(progress))
    goal_metrics = {g.progress.definition.body.metric for g in goals}
    shared = sorted(
        (
            name
            for name, v in snapshot.versions.items()
            if isinstance(v.definition, MetricDefinition)
            and (len(v.definition.owners) > 1 or name in goal_metrics)
        ),
        key=lambda n: (n not in goal_metrics, n),
    )
    metrics = tuple(_metric_card(snapshot, tables, n, as_of) for n in shared)
    pending = tuple(
        PendingItem(v.name, v.definition.kind, v.version, v.pending_teams)
        for v in sorted(store.current(), key=lambda v: v.name)
        if v.status is Status.PROPOSED
    )
    return Scorecard(as_of, goals, metrics, pending)


def goal_of(card: GoalCard) -> GoalDefinition:
    """The goal's definition."""
    return card.progress.definition
