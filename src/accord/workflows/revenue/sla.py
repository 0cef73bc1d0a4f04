"""The two-sided SLA of a workspace, from the ``sla`` definition in force.

Marketing's side: MQLs per period against the committed volume, attainment, pace and the
acceptance-rate quality floor. Sales' side: every hand-off (an entry into the SLA's
hand-off stage, keyed by resolved person) judged against the decision, first-touch,
attempts and disposition commitments, on a calendar or business-hours clock in the
workspace's time zone; compliance per rep and in total, and the breach list. Every
report cites the ``funnel`` and ``sla`` versions in force. Formulas:
``docs/funnel-and-sla.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from accord.data.workspace import Workspace
from accord.definitions.results import Citation
from accord.definitions.sla import SlaBody
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.funnel import Report
from accord.engines.sla import (
    Clock,
    Handoffs,
    MarketingTerms,
    SalesTerms,
    breach_list,
    build_handoffs,
    marketing_sla,
    sales_compliance,
)
from accord.errors import InputError
from accord.workflows.revenue.context import RevenueContext, revenue_context
from accord.workflows.revenue.funnel import report_json

__all__ = [
    "SlaResult",
    "clock_for",
    "handoffs_for",
    "marketing_terms",
    "period_window",
    "sales_terms",
    "sla_report",
    "sla_with",
]

Period = Literal["week", "month", "quarter"]


@dataclass(frozen=True)
class SlaResult:
    """Both sides of the SLA for one window, citing the definitions used.

    Attributes
    ----------
    marketing
        ``kind="marketing_sla"``: one row per period.
    compliance
        ``kind="compliance"``: one row per rep (the hand-off's owner) and ``(all)``.
    breaches
        ``kind="breaches"``: rep, lead, commitment, due, done, how late, open.
    """

    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime
    time_zone: str
    period: Period
    business_hours: bool
    marketing: Report
    compliance: Report
    breaches: Report
    citations: tuple[Citation, ...]
    resolved: bool = True
    """False before ``accord resolve``: people are source records (``hubspot:123``)."""

    def to_json(self) -> dict[str, Any]:
        """Plain data: parameters, citations, the three reports."""
        return {
            "from": self.start,
            "to": self.end,
            "as_of": self.as_of,
            "time_zone": self.time_zone,
            "period": self.period,
            "clock": "business hours" if self.business_hours else "calendar",
            "definitions": [c.to_json() for c in self.citations],
            "people_resolved": self.resolved,
            "marketing": report_json(self.marketing),
            "compliance": report_json(self.compliance),
            "breaches": report_json(self.breaches),
        }


def sales_terms(body: SlaBody) -> SalesTerms:
    """The engine's sales terms of an SLA definition (a commitment left out is ``None``)."""
    s = body.sales
    return SalesTerms(
        handoff_stage=body.handoff_stage,
        decision_hours=s.decision.within_hours if s.decision else None,
        accept_stages=(s.decision.accept_stage,) if s.decision else ("sal",),
        reason_required=s.decision.reason_required if s.decision else False,
        first_touch_hours=s.first_touch.within_hours if s.first_touch else None,
        attempts=s.attempts.count if s.attempts else None,
        attempts_days=s.attempts.within_days if s.attempts else None,
        disposition_days=s.disposition.by_day if s.disposition else None,
        disposition_stages=s.disposition.stages if s.disposition else ("sal",),
    )


def marketing_terms(body: SlaBody) -> MarketingTerms:
    """The engine's marketing terms of an SLA definition."""
    m = body.marketing
    accept = (body.sales.decision.accept_stage,) if body.sales.decision else ("sal",)
    return MarketingTerms(
        volume_target=m.volume.target if m.volume else None,
        quality_floor=m.quality_floor.at_least if m.quality_floor else None,
        handoff_stage=body.handoff_stage,
        accept_stages=accept,
    )


def clock_for(
    time_zone: str, *, business_hours: bool = False, hours: tuple[dt.time, dt.time] | None = None
) -> Clock:
    """Calendar clock, or business clock (weekends excluded, optionally only *hours*)."""
    if hours is not None and not business_hours:
        raise InputError(
            "Working hours need the business-hours clock.", hint="Add --business-hours."
        )
    return Clock(time_zone, business_days=business_hours, hours=hours)


def _add(d: dt.datetime, period: Period, n: int) -> dt.datetime:
    if period == "week":
        return d + dt.timedelta(weeks=n)
    months = 3 if period == "quarter" else 1
    m = d.year * 12 + d.month - 1 + n * months
    return dt.datetime(m // 12, m % 12 + 1, 1)


def period_window(
    as_of: dt.datetime, period: Period, count: int = 3
) -> tuple[dt.datetime, dt.datetime]:
    """The *count* periods (local time) ending with the one containing ``as_of``."""
    day = dt.datetime(as_of.year, as_of.month, as_of.day)
    if period == "week":
        first = day - dt.timedelta(days=day.weekday())
    elif period == "quarter":
        first = dt.datetime(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        first = dt.datetime(day.year, day.month, 1)
    return _add(first, period, 1 - count), _add(first, period, 1)


def handoffs_for(ctx: RevenueContext, *, clock: Clock, owner_touches_only: bool = True) -> Handoffs:
    """The hand-off table of the workspace, judged at ``ctx.as_of`` on *clock*."""
    return build_handoffs(
        ctx.events,
        ctx.activities,
        terms=sales_terms(ctx.sla_body.body),
        clock=clock,
        as_of=ctx.as_of,
        owners=ctx.owners,
        entity_col="person_id",
        activity_entity_col="person_id",
        owner_entity_col="person_id",
        owner_activities_only=owner_touches_only,
    )


def sla_with(
    ctx: RevenueContext,
    *,
    start: dt.datetime,
    end: dt.datetime,
    period: Period | None = None,
    business_hours: bool = False,
    hours: tuple[dt.time, dt.time] | None = None,
    rep: str | None = None,
    open_only: bool = False,
    first_only: bool = False,
    breach_limit: int | None = None,
    owner_touches_only: bool = True,
) -> SlaResult:
    """Both sides of the SLA on an open :class:`RevenueContext` (see :func:`sla_report`)."""
    if start >= end:
        raise InputError(
            "--from must be before --to.", hint="e.g. --from 2025-01-01 --to 2025-04-01"
        )
    body = ctx.sla_body.body
    grain: Period = period or (body.marketing.volume.per if body.marketing.volume else "month")
    cite = ctx.cite_args()
    clock = clock_for(ctx.time_zone, business_hours=business_hours, hours=hours)
    h = handoffs_for(ctx, clock=clock, owner_touches_only=owner_touches_only)
    mk = marketing_sla(
        ctx.events,
        terms=marketing_terms(body),
        start=start,
        end=end,
        as_of=ctx.as_of,
        grain=grain,
        entity_col="person_id",
        time_zone=ctx.time_zone,
    )
    comp = sales_compliance(h, start=start, end=end, by="owner", first_only=first_only)
    br = breach_list(h, start=start, end=end, rep=rep, open_only=open_only, limit=breach_limit)
    return SlaResult(
        start=start,
        end=end,
        as_of=ctx.as_of,
        time_zone=ctx.time_zone,
        period=grain,
        business_hours=business_hours,
        marketing=mk.cite(**cite),
        compliance=comp.cite(**cite),
        breaches=br.cite(**cite),
        citations=ctx.citations,
        resolved=ctx.resolved,
    )


def sla_report(
    workspace: Workspace,
    store: SqlDefinitionStore,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    period: Period | None = None,
    business_hours: bool = False,
    hours: tuple[dt.time, dt.time] | None = None,
    rep: str | None = None,
    open_only: bool = False,
    breach_limit: int | None = None,
    as_of: dt.datetime | None = None,
) -> SlaResult:
    """Marketing's and sales' side of the SLA in force for *workspace*.

    Parameters
    ----------
    start, end
        Local window of hand-offs; default the last 3 periods up to ``as_of``'s.
    period
        Marketing's period (default the SLA's ``volume.per``).
    business_hours, hours
        Business clock: weekends excluded and, with *hours*, only that part of each day.
    rep, open_only, breach_limit
        Filters of the breach list.
    as_of
        Local "now" (default: the newest lifecycle event).
    """
    with revenue_context(workspace, store, as_of=as_of) as ctx:
        body = ctx.sla_body.body
        grain: Period = period or (body.marketing.volume.per if body.marketing.volume else "month")
        s, e = period_window(ctx.as_of, grain)
        return sla_with(
            ctx,
            start=start or s,
            end=end or e,
            period=grain,
            business_hours=business_hours,
            hours=hours,
            rep=rep,
            open_only=open_only,
            breach_limit=breach_limit,
        )
