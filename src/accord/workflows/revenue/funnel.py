"""The revenue funnel of a workspace, from the ``funnel`` definition in force.

:func:`funnel_report` turns the signed funnel into engine rules, keys the lifecycle
events by resolved person, and returns one frozen :class:`FunnelResult`: stage counts,
cohort and period conversion (always labelled by ``kind``), time between stages, side
exits with reasons, sales velocity and the funnel over time, each an Arrow table citing
the funnel (and SLA) versions. Formulas: ``docs/funnel-and-sla.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir

from accord.data.workspace import Workspace
from accord.definitions.funnel import FunnelBody
from accord.definitions.results import Citation
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.funnel import (
    FunnelEntries,
    Grain,
    Report,
    SideRule,
    StageRule,
    cohort_conversion,
    funnel_entries,
    funnel_over_time,
    period_conversion,
    sales_velocity,
    side_exits,
    stage_counts,
    stage_timing,
)
from accord.errors import InputError
from accord.identity.keys import with_person_id
from accord.workflows.revenue.context import DIMENSIONS, RevenueContext, revenue_context

__all__ = [
    "FunnelResult",
    "default_window",
    "entries_for",
    "funnel_report",
    "funnel_with",
    "side_rules",
    "stage_rules_of",
]


@dataclass(frozen=True)
class FunnelResult:
    """Every funnel figure for one window, citing the definitions used.

    Attributes
    ----------
    stages, cohort, period, timing, side_exits, velocity, over_time
        Engine reports (``report.table`` is Arrow, ``report.to_pandas()``); ``cohort``
        and ``period`` cover consecutive stages and every stage to every later one.
    citations
        The ``funnel`` (and ``sla``) versions in force.
    """

    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime
    time_zone: str
    grain: Grain | None
    by: str | None
    within_days: float | None
    stages: Report
    cohort: Report
    period: Report
    timing: Report
    side_exits: Report
    velocity: Report
    over_time: Report
    citations: tuple[Citation, ...]
    resolved: bool = True
    """False before ``accord resolve``: people are source records (``hubspot:123``)."""

    def reports(self) -> dict[str, Report]:
        """The reports by name."""
        return {
            "stages": self.stages,
            "cohort": self.cohort,
            "period": self.period,
            "timing": self.timing,
            "side_exits": self.side_exits,
            "velocity": self.velocity,
            "over_time": self.over_time,
        }

    def to_json(self) -> dict[str, Any]:
        """Plain data: parameters, citations, and every report's rows and notes."""
        return {
            "from": self.start,
            "to": self.end,
            "as_of": self.as_of,
            "time_zone": self.time_zone,
            "grain": self.grain,
            "by": self.by,
            "within_days": self.within_days,
            "definitions": [c.to_json() for c in self.citations],
            "people_resolved": self.resolved,
            "reports": {name: report_json(r) for name, r in self.reports().items()},
        }


def report_json(report: Report) -> dict[str, Any]:
    """A report as plain data (kind, rows, notes)."""
    return {
        "kind": report.kind,
        "rows": report.rows(),
        "notes": [{"code": n.code, "count": n.count, "detail": n.detail} for n in report.notes],
    }


def stage_rules_of(body: FunnelBody) -> tuple[StageRule, ...]:
    """The engine's stage rules of a funnel definition (score rules are not read)."""
    return tuple(StageRule(s.name, s.enter.lifecycle_events, s.enter.after) for s in body.stages)


def side_rules(body: FunnelBody) -> tuple[SideRule, ...]:
    """The engine's side-state rules of a funnel definition."""
    return tuple(SideRule(x.name, x.lifecycle_events, x.from_stages) for x in body.side_states)


def _month_start(d: dt.datetime) -> dt.datetime:
    return dt.datetime(d.year, d.month, 1)


def default_window(as_of: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The 12 months up to the end of ``as_of``'s month (local time)."""
    end = _month_start(as_of + dt.timedelta(days=32 - as_of.day))
    start = dt.datetime(end.year - 1, end.month, 1)
    return start, end


def entries_for(ctx: RevenueContext, *, with_attributes: bool = True) -> FunnelEntries:
    """First entries of every person (over all the data: an entry before the window is
    not a new entry in it), with the ``--by`` attributes carried.

    ``with_attributes=False`` leaves the attributes out (nothing to group by): they are
    one row per person, so the entries are the same, and the contacts, touchpoints and
    accounts behind them are not read.
    """
    return funnel_entries(
        ctx.events,
        stages=stage_rules_of(ctx.funnel_body.body),
        entity_col="person_id",
        time_zone=ctx.time_zone,
        attributes=ctx.attributes if with_attributes else None,
    )


def _opportunities(ctx: RevenueContext, by: str | None) -> ir.Table | None:
    """The opportunities, with the person's attributes when grouping *by* one of them
    (without a grouping the one-row-per-person join would change nothing)."""
    opp = ctx.table("opportunities")
    if opp is None:
        return None
    if "contact_id" in opp.columns and by is not None:
        opp = with_person_id(ctx.warehouse, opp, id_column="contact_id", out="o_person").view()
        a = ctx.attributes.rename(o_person="person_id")
        opp = opp.left_join(a, "o_person")
        opp = opp.mutate(
            source=opp.lead_source.cast("string").coalesce(opp.source),
            rep=opp.owner_id.cast("string").coalesce(opp.rep),
        )
    return opp


def funnel_with(
    ctx: RevenueContext,
    *,
    start: dt.datetime,
    end: dt.datetime,
    by: str | None = None,
    grain: Grain | None = None,
    within_days: float | None = 30.0,
) -> FunnelResult:
    """Every funnel figure on an open :class:`RevenueContext` (see :func:`funnel_report`)."""
    if by is not None and by not in DIMENSIONS:
        raise InputError(f"Unknown --by {by!r}.", hint=f"Use one of {', '.join(DIMENSIONS)}.")
    if start >= end:
        raise InputError(
            "--from must be before --to.", hint="e.g. --from 2025-01-01 --to 2025-07-01"
        )
    body = ctx.funnel_body.body
    fe = entries_for(ctx, with_attributes=by is not None)
    cite = ctx.cite_args()
    kw: dict[str, Any] = {"start": start, "end": end, "by": by}
    over_grain: Grain = grain or "month"
    stages = stage_counts(fe, grain=grain, **kw)
    cohort = cohort_conversion(fe, as_of=ctx.as_of, within_days=within_days, grain=grain, **kw)
    period = period_conversion(fe, grain=grain, **kw)
    timing = stage_timing(fe, as_of=ctx.as_of, **kw)
    side = side_exits(
        ctx.events,
        fe,
        side_states=side_rules(body),
        entity_col="person_id",
        reasons=[r.code for r in body.rejection_reasons] or None,
        **kw,
    )
    opp = _opportunities(ctx, by)
    if opp is not None:
        velocity = sales_velocity(opp, grain=grain, time_zone=ctx.time_zone, **kw)
    else:
        velocity = Report(kind="velocity", table=_no_rows())
    over = funnel_over_time(fe, as_of=ctx.as_of, grain=over_grain, within_days=within_days, **kw)
    return FunnelResult(
        start=start,
        end=end,
        as_of=ctx.as_of,
        time_zone=ctx.time_zone,
        grain=grain,
        by=by,
        within_days=within_days,
        stages=stages.cite(**cite),
        cohort=cohort.cite(**cite),
        period=period.cite(**cite),
        timing=timing.cite(**cite),
        side_exits=side.cite(**cite),
        velocity=velocity.cite(**cite),
        over_time=over.cite(**cite),
        citations=ctx.citations,
        resolved=ctx.resolved,
    )


def _no_rows() -> Any:
    import pyarrow as pa

    return pa.table({"reason": pa.array(["no opportunities are loaded"])})


def funnel_report(
    workspace: Workspace,
    store: SqlDefinitionStore,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    by: str | None = None,
    grain: Grain | None = None,
    within_days: float | None = 30.0,
    as_of: dt.datetime | None = None,
) -> FunnelResult:
    """The funnel of *workspace* from the funnel definition in force.

    Parameters
    ----------
    workspace, store
        The open workspace and its definition store.
    start, end
        Local window ``[start, end)``; default the 12 months to the end of ``as_of``'s month.
    by
        One of ``channel, campaign, segment, rep, source`` (see
        :mod:`accord.workflows.revenue.context`).
    grain
        ``week`` or ``month`` to split every figure by period; the over-time view uses
        it (default month).
    within_days
        The cohort's "within N days" horizon.
    as_of
        Local "now" (default: the newest lifecycle event).

    Returns
    -------
    FunnelResult
        Frozen; every report cites the definition versions used.
    """
    with revenue_context(workspace, store, as_of=as_of) as ctx:
        s, e = default_window(ctx.as_of)
        return funnel_with(
            ctx, start=start or s, end=end or e, by=by, grain=grain, within_days=within_days
        )
