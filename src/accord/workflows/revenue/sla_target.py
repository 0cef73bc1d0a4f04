"""Marketing's MQL target derived from the revenue goal, beside the SLA's committed one.

The reverse funnel (:func:`accord.engines.sla.targets.derive_targets`)::

    customers needed = revenue goal x marketing's share / average deal size
    stage needed     = next stage needed / cohort rate(stage -> next stage)

walked back from the funnel's last stage to the SLA's hand-off stage (the MQL).

Where each input comes from (every one is reported and cited):

revenue goal
    ``--revenue-goal`` (a yearly amount) if given; else the ``goal`` definition in force on
    a revenue metric (a ``sum`` of ``amount`` over the ``revenue`` table, or a metric named
    ``...revenue``; not pipeline), the one whose period contains ``as_of``
    (top-level goals first), its period read as whole SLA periods (12 months for a year).
marketing's share
    ``--marketing-share`` if given; else ``target(child) / target(revenue goal)`` of a goal
    in force on ``marketing_sourced_revenue`` whose parent is the revenue goal.
average deal size
    the ``average_deal_size`` metric in force (else the mean amount of won
    opportunities) over the measurement window: the 12 months up to the end of
    ``as_of``'s month, by close date.
conversion rates
    cohort rates of the funnel in force, pooled over people who entered each stage in the
    measurement window, conversions counted up to ``as_of``
    (:func:`accord.engines.sla.targets.rates_from_cohort`). Recent cohorts have had less
    time to convert, so the rates lean low and the derived target high.

References
----------
HubSpot, "How to create a service-level agreement between sales and marketing"
(blog.hubspot.com/marketing/service-level-agreement-sales-marketing).
SiriusDecisions (2012), "The Demand Waterfall".
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import ibis.expr.types as ir

from accord.data.schema import TABLES
from accord.definitions.evaluate import evaluate_metric
from accord.definitions.goal import GoalDefinition, period_bounds
from accord.definitions.measures import Sum
from accord.definitions.metric import MetricDefinition
from accord.definitions.results import Citation, MetricResult
from accord.definitions.store import DefinitionVersion, InForceSnapshot
from accord.engines.funnel import cohort_conversion
from accord.engines.sla.targets import TargetPlan, derive_targets, rates_from_cohort
from accord.errors import InputError
from accord.workflows.revenue.context import RevenueContext
from accord.workflows.revenue.funnel import default_window, entries_for

__all__ = ["RateUsed", "TargetDerivation", "derive_mql_target"]

Period = Literal["week", "month", "quarter"]
SHARE_METRIC = "marketing_sourced_revenue"
DEAL_SIZE_METRIC = "average_deal_size"


@dataclass(frozen=True, slots=True)
class RateUsed:
    """One cohort conversion rate of the derivation: ``converted / entered``."""

    from_stage: str
    to_stage: str
    entered: int
    converted: int
    rate: float | None


@dataclass(frozen=True)
class TargetDerivation:
    """Every step from the revenue goal to the MQLs needed per SLA period.

    Attributes
    ----------
    revenue_goal, revenue_source
        The goal amount over the goal period and where it came from.
    goal_period, periods
        The goal's calendar period (``None`` for ``--revenue-goal``: a year) and how many
        SLA periods it holds.
    marketing_share, share_source
        The share and where it came from (``None`` when neither given nor derivable).
    average_deal_size, won_deals, measured_from, measured_to
        The average won amount, over how many won deals, closed in ``[from, to)``.
    rates
        The cohort rates used, hand-off stage first.
    plan
        The engine's result (``plan.steps``: customers first); empty when not derivable.
    committed
        The SLA's committed volume per period (``None`` if it commits to none).
    notes
        Why a step is missing, in words.
    citations
        The goal, metric, funnel and SLA versions used.
    """

    stage: str
    period: Period
    revenue_goal: float | None
    revenue_source: str
    goal_period: str | None
    periods: int
    marketing_share: float | None
    share_source: str
    average_deal_size: float | None
    deal_size_source: str
    won_deals: int
    measured_from: dt.datetime
    measured_to: dt.datetime
    rates: tuple[RateUsed, ...]
    plan: TargetPlan | None
    committed: float | None
    notes: tuple[str, ...]
    citations: tuple[Citation, ...]

    @property
    def ok(self) -> bool:
        """True when the target was derived."""
        return self.plan is not None and self.plan.ok

    @property
    def needed_per_period(self) -> float | None:
        """Hand-off-stage entries (MQLs) needed per SLA period."""
        return self.plan.per_period(self.stage) if self.plan is not None and self.ok else None

    def to_json(self) -> dict[str, Any]:
        """Plain data: every input, every step, the result and the citations."""
        steps = self.plan.steps if self.plan is not None else ()
        return {
            "stage": self.stage,
            "period": self.period,
            "revenue_goal": self.revenue_goal,
            "revenue_source": self.revenue_source,
            "goal_period": self.goal_period,
            "periods": self.periods,
            "marketing_share": self.marketing_share,
            "share_source": self.share_source,
            "average_deal_size": self.average_deal_size,
            "deal_size_source": self.deal_size_source,
            "won_deals": self.won_deals,
            "measured_from": self.measured_from,
            "measured_to": self.measured_to,
            "rates": [
                {
                    "from": r.from_stage,
                    "to": r.to_stage,
                    "entered": r.entered,
                    "converted": r.converted,
                    "rate": r.rate,
                }
                for r in self.rates
            ],
            "steps": [
                {"stage": s.stage, "needed": s.needed, "rate": s.rate_to_next} for s in steps
            ],
            "needed_per_period": self.needed_per_period,
            "committed_per_period": self.committed,
            "notes": list(self.notes),
            "definitions": [c.to_json() for c in self.citations],
        }


def _revenue_metric(m: DefinitionVersion | None) -> bool:
    if m is None or not isinstance(m.definition, MetricDefinition):
        return False
    measure = m.definition.body.measure
    booked = measure.table == "revenue" if isinstance(measure, Sum) else False
    named = m.name.endswith("revenue")  # e.g. won amount on opportunities, not pipeline
    return isinstance(measure, Sum) and measure.column == "amount" and (booked or named)


def _revenue_goal(snap: InForceSnapshot, day: dt.date) -> DefinitionVersion | None:
    goals = []
    for v in snap.versions.values():
        d = v.definition
        if not isinstance(d, GoalDefinition) or d.body.slice:
            continue
        if d.body.metric == SHARE_METRIC or not _revenue_metric(snap.in_force(d.body.metric)):
            continue
        a, b = period_bounds(d.body.period)
        goals.append(((not a <= day < b), d.body.parent is not None, -a.toordinal(), v.name, v))
    return min(goals, key=lambda g: g[:4])[4] if goals else None


def _share_goal(snap: InForceSnapshot, parent: str) -> DefinitionVersion | None:
    for name in sorted(snap.versions):
        d = snap.versions[name].definition
        if (
            isinstance(d, GoalDefinition)
            and d.body.metric == SHARE_METRIC
            and d.body.parent == parent
            and not d.body.slice
        ):
            return snap.versions[name]
    return None


def _periods(goal_period: str | None, per: Period) -> int:
    if goal_period is None:
        return {"week": 52, "month": 12, "quarter": 4}[per]
    a, b = period_bounds(goal_period)
    months = (b.year - a.year) * 12 + b.month - a.month
    if per == "week":
        return max(1, round((b - a).days / 7))
    return max(1, months // 3) if per == "quarter" else months


def _won(tables: Mapping[str, ir.Table], start: dt.date, end: dt.date) -> ir.Table | None:
    opp = tables.get("opportunities")
    if opp is None:
        return None
    t = opp.closed_at.cast("timestamp")
    lo, hi = dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
    return opp.filter(opp.won.fill_null(False), t >= lo, t < hi, opp.amount.notnull())


def _deal_size(
    snap: InForceSnapshot, tables: Mapping[str, ir.Table], start: dt.date, end: dt.date
) -> tuple[float | None, int, str, tuple[Citation, ...]]:
    won = _won(tables, start, end)
    if won is None:
        return None, 0, "no opportunities are loaded", ()
    n = int(won.count().to_pyarrow().as_py())
    if snap.in_force(DEAL_SIZE_METRIC) is not None:
        result = evaluate_metric(snap, tables, DEAL_SIZE_METRIC, start=start, end=end)
        if isinstance(result, MetricResult):
            value = result.values[0].value if result.values else None
            return (
                None if value is None else float(value),
                n,
                f"{DEAL_SIZE_METRIC} v{result.metric.version}",
                (result.metric, *result.inputs),
            )
    mean = won.amount.cast("float64").mean().to_pyarrow().as_py()
    return (None if mean is None else float(mean)), n, "mean amount of won opportunities", ()


def _rates(ctx: RevenueContext, stage: str, start: dt.datetime, end: dt.datetime) -> list[RateUsed]:
    names = [s.name for s in ctx.funnel_body.body.stages]
    if stage not in names:
        raise InputError(
            f"The SLA's hand-off stage {stage!r} is not a stage of the funnel.",
            hint=f"Stages: {', '.join(names)}.",
        )
    chain = names[names.index(stage) :]
    pairs = list(itertools.pairwise(chain))
    report = cohort_conversion(entries_for(ctx), start=start, end=end, as_of=ctx.as_of, pairs=pairs)
    sums: dict[tuple[str, str], list[int]] = {}
    for r in report.rows():
        acc = sums.setdefault((r["from_stage"], r["to_stage"]), [0, 0])
        acc[0] += r["entered"]
        acc[1] += r["converted"]
    pooled = {(a, b): r for a, b, r in rates_from_cohort(report, chain)}
    out = []
    for a, b in pairs:
        entered, converted = sums.get((a, b), [0, 0])
        out.append(RateUsed(a, b, entered, converted, pooled[(a, b)]))
    return out


def derive_mql_target(
    ctx: RevenueContext,
    snapshot: InForceSnapshot,
    *,
    period: Period,
    revenue_goal: float | None = None,
    marketing_share: float | None = None,
) -> TargetDerivation:
    """Derive the hand-off stage's target per *period* from the revenue goal.

    Parameters
    ----------
    ctx
        The open revenue context (funnel and SLA in force, keyed events).
    snapshot
        The definitions in force (goals and metrics are read from it).
    period
        The SLA period the target is stated per.
    revenue_goal, marketing_share
        Override the goal in force (a yearly amount) and give the share (0-1).

    Raises
    ------
    InputError
        A share outside [0, 1] or a negative goal.
    """
    if marketing_share is not None and not 0 <= marketing_share <= 1:
        raise InputError(
            f"--marketing-share must be between 0 and 1, not {marketing_share}.",
            hint="e.g. --marketing-share 0.6 for 60 %.",
        )
    if revenue_goal is not None and revenue_goal <= 0:
        raise InputError("--revenue-goal must be positive.", hint="e.g. --revenue-goal 12000000")
    body = ctx.sla_body.body
    stage = body.handoff_stage
    notes: list[str] = []
    cites: list[Citation] = list(ctx.citations)
    goal_period: str | None = None
    goal = _revenue_goal(snapshot, ctx.as_of.date())
    if revenue_goal is not None:
        source = "--revenue-goal (a year)"
    elif goal is not None:
        assert isinstance(goal.definition, GoalDefinition)
        revenue_goal, goal_period = goal.definition.body.target, goal.definition.body.period
        source = f"goal {goal.name} v{goal.version} on {goal.definition.body.metric}"
        cites.append(goal.citation())
    else:
        source = "none"
        notes.append("no goal on a revenue metric is in force: pass --revenue-goal")
    share_source = "--marketing-share"
    if marketing_share is None and goal is not None and revenue_goal is not None:
        child = _share_goal(snapshot, goal.name) if goal_period is not None else None
        if child is not None:
            assert isinstance(child.definition, GoalDefinition)
            marketing_share = child.definition.body.target / revenue_goal
            share_source = f"goal {child.name} v{child.version} / {goal.name}"
            cites.append(child.citation())
    if marketing_share is None:
        share_source = "none"
        notes.append(
            f"marketing's share is not given: pass --marketing-share (or sign a goal on "
            f"{SHARE_METRIC} under the revenue goal)"
        )
    m_from, m_to = default_window(ctx.as_of)
    size, won, size_source, size_cites = _deal_size(
        snapshot, {n: ctx.warehouse.table(n) for n in TABLES if ctx.table(n) is not None},
        m_from.date(), m_to.date(),
    )  # fmt: skip
    cites.extend(c for c in size_cites if c not in cites)
    rates = _rates(ctx, stage, m_from, m_to)
    plan: TargetPlan | None = None
    if revenue_goal is not None and marketing_share is not None and size is not None:
        plan = derive_targets(
            revenue_goal=revenue_goal,
            marketing_share=marketing_share,
            average_deal_size=size,
            rates=[(r.from_stage, r.to_stage, r.rate) for r in rates],
            periods=_periods(goal_period, period),
        )
        notes.extend(f"{n.code}: {n.detail}" for n in plan.notes)
    elif size is None:
        notes.append("no won opportunities in the measurement window: no average deal size")
    volume = body.marketing.volume
    committed = None
    if volume is not None:
        committed = volume.target if volume.per == period else None
        if committed is None:
            notes.append(f"the SLA commits to {volume.target:g} per {volume.per}, not per {period}")
    return TargetDerivation(
        stage=stage,
        period=period,
        revenue_goal=revenue_goal,
        revenue_source=source,
        goal_period=goal_period,
        periods=_periods(goal_period, period),
        marketing_share=marketing_share,
        share_source=share_source,
        average_deal_size=size,
        deal_size_source=size_source,
        won_deals=won,
        measured_from=m_from,
        measured_to=m_to,
        rates=tuple(rates),
        plan=plan,
        committed=committed,
        notes=tuple(notes),
        citations=tuple(cites),
    )
