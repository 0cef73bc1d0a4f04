"""Marketing's volume target, derived backwards from the revenue goal.

The reverse-funnel ("waterfall") calculation of the SLA literature:

    customers needed = revenue goal x marketing's share / average deal size

then, walking the funnel backwards, the entries needed at each earlier stage are the
entries needed at the next stage divided by the conversion rate between them, e.g.
``opportunities = customers / rate(opportunity -> customer)`` and so on up to MQLs. Use
*cohort* conversion rates (:func:`~accord.engines.funnel.cohort_conversion`), which say
what share of a stage's entrants get to the next stage; :func:`rates_from_cohort` reads
them from a cohort report.

References
----------
HubSpot, "How to create a service-level agreement between sales and marketing"
(blog.hubspot.com/marketing/service-level-agreement-sales-marketing): the MQL goal
from the revenue goal, average sales price and lead-to-customer rate.
SiriusDecisions (2012), "The Demand Waterfall" (reverse waterfall planning).

Examples
--------
>>> plan = derive_targets(revenue_goal=1_200_000, marketing_share=0.5, average_deal_size=20_000,
...                       rates=(("mql", "sql", 0.25), ("sql", "customer", 0.2)), periods=12)
>>> [(s.stage, s.needed) for s in plan.steps]
[('customer', 30.0), ('sql', 150.0), ('mql', 600.0)]
>>> plan.per_period("mql")
50.0
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from accord.engines.funnel.result import Note, Parameters, Report, params
from accord.errors import InputError

__all__ = ["TargetPlan", "TargetStep", "derive_targets", "rates_from_cohort"]


@dataclass(frozen=True, slots=True)
class TargetStep:
    """Entries needed at one stage: ``needed`` (exact) and ``needed_whole`` (rounded up),
    and the rate used to get here from the next stage (``None`` for the last stage)."""

    stage: str
    needed: float
    needed_whole: int
    rate_to_next: float | None


@dataclass(frozen=True, slots=True)
class TargetPlan:
    """The targets per stage, last stage (customers) first.

    ``steps`` is empty and ``notes`` says why when a target cannot be derived (a zero
    deal size, a missing or zero rate).
    """

    steps: tuple[TargetStep, ...]
    periods: int
    parameters: Parameters
    notes: tuple[Note, ...] = ()

    @property
    def ok(self) -> bool:
        """True when targets were derived."""
        return bool(self.steps)

    def needed(self, stage: str) -> float:
        """Entries needed at *stage* over the whole goal period."""
        for s in self.steps:
            if s.stage == stage:
                return s.needed
        raise KeyError(stage)

    def per_period(self, stage: str) -> float:
        """Entries needed at *stage* per period (e.g. per month)."""
        return self.needed(stage) / self.periods


def derive_targets(
    *,
    revenue_goal: float,
    marketing_share: float,
    average_deal_size: float,
    rates: Sequence[tuple[str, str, float | None]],
    periods: int = 1,
) -> TargetPlan:
    """Targets per stage from the revenue goal and the funnel's conversion rates.

    Parameters
    ----------
    revenue_goal
        New revenue to book over the goal period.
    marketing_share
        Share of it marketing-sourced deals must bring (0-1).
    average_deal_size
        Average amount of a won deal.
    rates
        Consecutive ``(from, to, rate)`` steps ending at the customer stage, e.g.
        ``(("mql", "sal", .6), ("sal", "sql", .6), ("sql", "opportunity", .9),
        ("opportunity", "customer", .25))``.
    periods
        Periods in the goal period (12 for a yearly goal read per month).

    Raises
    ------
    InputError
        The steps are not a chain (``to`` of one step is not ``from`` of the next), or
        the share is outside [0, 1].
    """
    if not 0 <= marketing_share <= 1:
        raise InputError(f"marketing's share must be between 0 and 1, not {marketing_share}")
    if periods < 1:
        raise InputError("periods must be at least 1")
    for (_, to, _), (frm, _, _) in itertools.pairwise(rates):
        if to != frm:
            raise InputError(f"rates must chain stage to stage: {to!r} is followed by {frm!r}")
    record = params(
        {
            "revenue_goal": revenue_goal,
            "marketing_share": marketing_share,
            "average_deal_size": average_deal_size,
            "periods": periods,
            "rates": [f"{a}>{b}={r}" for a, b, r in rates],
        }
    )
    if average_deal_size <= 0:
        return TargetPlan((), periods, record, (Note("no_won_deals", 0, "average deal size is 0"),))
    bad = [f"{a}>{b}" for a, b, r in rates if r is None or r <= 0]
    if bad:
        return TargetPlan(
            (), periods, record, (Note("stage_not_reached", len(bad), ", ".join(bad)),)
        )
    customers = revenue_goal * marketing_share / average_deal_size
    last = rates[-1][1] if rates else "customer"
    steps = [TargetStep(last, customers, math.ceil(customers - 1e-9), None)]
    needed = customers
    for frm, _, rate in reversed(rates):
        needed = needed / rate  # type: ignore[operator]
        steps.append(TargetStep(frm, needed, math.ceil(needed - 1e-9), rate))
    return TargetPlan(tuple(steps), periods, record)


def rates_from_cohort(
    report: Report, stages: Sequence[str]
) -> tuple[tuple[str, str, float | None], ...]:
    """Consecutive-stage cohort rates pooled over a cohort report's periods and groups.

    ``rate = sum(converted) / sum(entered)`` per pair; ``None`` when nobody entered.

    Raises
    ------
    InputError
        The report is not a cohort conversion report.
    """
    if report.kind != "cohort":
        raise InputError(f"targets need cohort conversion rates, not a {report.kind!r} report")
    sums: dict[tuple[str, str], list[int]] = {}
    for r in report.rows():
        acc = sums.setdefault((r["from_stage"], r["to_stage"]), [0, 0])
        acc[0] += r["converted"]
        acc[1] += r["entered"]
    out = []
    for a, b in itertools.pairwise(stages):
        conv, entered = sums.get((a, b), [0, 0])
        out.append((a, b, conv / entered if entered else None))
    return tuple(out)
