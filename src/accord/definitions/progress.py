"""Goal progress: each in-force goal's metric against its target, and the pace.

For a goal on a metric that accumulates over its period (a count, a distinct count or a
sum: MQLs, pipeline, revenue), *attainment* is value ÷ target and *pace* is attainment ÷
the share of the period elapsed, i.e. the linear run-rate projection (value ÷ elapsed
share) divided by the target: 1.0 means "on course to reach the target exactly at the
period's end" if the value keeps accruing at its average rate so far (a linear
projection: seasonality is ignored). Rates, averages and other metrics that do not
accumulate have no pace: they are on track while they meet the target.

:func:`assess` is the arithmetic (pure); :func:`goal_progress` computes every goal's
metric over its period, up to the *as_of* day, citing the versions used.

Examples
--------
>>> a = assess(value=1800, target=4800, elapsed=0.25, direction="higher", cumulative=True)
>>> round(a.attainment, 3), round(a.pace, 2), a.status
(0.375, 1.5, 'on-track')
>>> assess(value=0.55, target=0.6, elapsed=0.5, direction="higher", cumulative=False).status
'behind'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

import ibis.expr.types as ir

from accord.definitions.compile import NotCompilable
from accord.definitions.evaluate import evaluate_metric
from accord.definitions.goal import GoalDefinition, period_bounds
from accord.definitions.measures import Count, CountDistinct, Sum
from accord.definitions.metric import MetricDefinition
from accord.definitions.results import Citation, MetricResult
from accord.definitions.store import DefinitionStore, InForceSnapshot, NotInForce, Status

__all__ = [
    "Assessment",
    "GoalProgress",
    "GoalStatus",
    "assess",
    "goal_progress",
    "pending_goals",
]

GoalStatus = Literal[
    "met", "missed", "on-track", "behind", "not-started", "no-data", "not-in-force", "needs-engine"
]


@dataclass(frozen=True, slots=True)
class Assessment:
    """Attainment (value ÷ target), pace (attainment ÷ share elapsed; ``None`` for metrics
    that do not accumulate or before the period starts) and the status."""

    attainment: float | None
    pace: float | None
    status: GoalStatus


def assess(
    *,
    value: float | None,
    target: float,
    elapsed: float,
    direction: Literal["higher", "lower"],
    cumulative: bool,
) -> Assessment:
    """Assess a value against a target with *elapsed* (0 to 1) of the period gone.

    A higher-is-better goal is met at ``value >= target``; a lower-is-better one at
    ``value <= target`` (and a cumulative lower-is-better goal, such as spend within a
    budget, is missed as soon as the value passes the target).
    """
    if elapsed <= 0:
        return Assessment(None, None, "not-started")
    if value is None:
        return Assessment(None, None, "no-data")
    attainment = value / target if target else None
    pace = attainment / elapsed if cumulative and attainment is not None else None
    meets = value >= target if direction == "higher" else value <= target
    if elapsed >= 1:
        return Assessment(attainment, pace, "met" if meets else "missed")
    if direction == "higher":
        if meets:
            status: GoalStatus = "met" if cumulative else "on-track"
        elif cumulative:
            status = "on-track" if pace is not None and pace >= 1 else "behind"
        else:
            status = "behind"
    elif cumulative:
        status = "missed" if not meets else ("on-track" if pace is None or pace <= 1 else "behind")
    else:
        status = "on-track" if meets else "behind"
    return Assessment(attainment, pace, status)


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """One goal's progress, citing the goal's version and (in ``result``) the metric's."""

    goal: Citation
    definition: GoalDefinition
    start: date
    end: date
    elapsed: float
    value: float | None
    assessment: Assessment
    result: MetricResult | None
    note: str = ""
    """Why there is no value: who still has to sign, which engine computes the metric."""


def _elapsed(start: date, end: date, as_of: date) -> float:
    return min(max((as_of - start).days / (end - start).days, 0.0), 1.0)


def _value(result: MetricResult, slice_: Mapping[str, str]) -> float | None:
    values = [
        v.value
        for v in result.values
        if all(str(dict(v.dimensions).get(d)) == want for d, want in slice_.items())
    ]
    found = [v for v in values if v is not None]
    return found[0] if found else None


def _cumulative(metric: MetricDefinition) -> bool:
    return isinstance(metric.body.measure, Count | CountDistinct | Sum)


def goal_progress(
    snapshot: InForceSnapshot, tables: Mapping[str, ir.Table], *, as_of: date
) -> list[GoalProgress]:
    """Progress of every goal in force in *snapshot*, by name, on data before *as_of*."""
    progress = []
    for name in sorted(snapshot.versions):
        current = snapshot.versions[name]
        if not isinstance(current.definition, GoalDefinition):
            continue
        goal = current.definition
        start, end = period_bounds(goal.body.period)
        elapsed = _elapsed(start, end, as_of)
        slice_ = dict(goal.body.slice)
        outcome = None
        if elapsed > 0:
            outcome = evaluate_metric(
                snapshot,
                tables,
                goal.body.metric,
                by=sorted(slice_),
                start=start,
                end=min(end, as_of),
            )
        result = outcome if isinstance(outcome, MetricResult) else None
        value = _value(result, slice_) if result is not None else None
        metric = snapshot.in_force(goal.body.metric)
        spec = metric.definition if metric is not None else None
        assessment = assess(
            value=value,
            target=goal.body.target,
            elapsed=elapsed,
            direction=spec.body.direction if isinstance(spec, MetricDefinition) else "higher",
            cumulative=isinstance(spec, MetricDefinition) and _cumulative(spec),
        )
        note = ""
        if isinstance(outcome, NotInForce):
            assessment, note = Assessment(None, None, "not-in-force"), outcome.message
        elif isinstance(outcome, NotCompilable):
            assessment, note = Assessment(None, None, "needs-engine"), outcome.message
        progress.append(
            GoalProgress(
                current.citation(), goal, start, end, elapsed, value, assessment, result, note
            )
        )
    return progress


def pending_goals(store: DefinitionStore) -> list[str]:
    """Names of goals proposed but not in force (shown apart: nobody agreed to them yet)."""
    names = []
    for name in store.names():
        latest = store.latest(name)
        if (
            latest is not None
            and isinstance(latest.definition, GoalDefinition)
            and latest.status is Status.PROPOSED
            and store.in_force(name) is None
        ):
            names.append(name)
    return names
