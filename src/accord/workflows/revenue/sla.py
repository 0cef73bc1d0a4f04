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

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

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
from accord.workflows.revenue.sla_target import TargetDerivation, derive_mql_target

__all__ = [
    "NO_TEAM",
    "OWNERS_HINT",
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
NO_TEAM = "(not in owners)"
OWNERS_HINT = (
    "No owners table is loaded, so reps have no team. Load your CRM's users export: "
    "`accord load users.csv --preset hubspot-users` (HubSpot: Settings > Users & Teams > "
    "Export users) or `--preset salesforce-users` (Salesforce Users report)."
)


@dataclass(frozen=True)
class SlaResult:
    """Both sides of the SLA for one window, citing the definitions used.

    Attributes
    ----------
    marketing
        ``kind="marketing_sla"``: one row per period.
    compliance
        ``kind="compliance"``: one row per rep (the hand-off's owner) and ``(all)``.
    teams
        ``kind="compliance"``: the same per sales team (from the ``owners`` table) and
        ``(all)``; every rep is in ``NO_TEAM`` when no owners table is loaded.
    breaches
        ``kind="breaches"``: rep, team, lead, commitment, due, done, how late, open.
    """

    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime
    time_zone: str
    period: Period
    business_hours: bool
    marketing: Report
    compliance: Report
    teams: Report
    breaches: Report
    citations: tuple[Citation, ...]
    resolved: bool = True
    """False before ``accord resolve``: people are source records (``hubspot:123``)."""
    teams_note: str | None = None
    """Why reps have no team (no owners table is loaded) and how to load one."""
    target: TargetDerivation | None = None
    """Marketing's target derived from the revenue goal (when asked for)."""

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
            "teams": report_json(self.teams),
            "teams_note": self.teams_note,
            "breaches": report_json(self.breaches),
            "derived_target": None if self.target is None else self.target.to_json(),
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


def _key(value: ir.Value) -> ir.StringValue:
    return value.cast("string").strip().lower()


def owner_teams(ctx: RevenueContext) -> ir.Table | None:
    """``o_key`` (an owner as records show it, trimmed and lower-cased) -> ``o_team``.

    From the ``owners`` table: each user is found by user id, full name, first + last
    name and e-mail (HubSpot's records show the owner's name, its users export the id).
    The team is the CRM's team, else the Accord department. ``None`` when no owners
    table is loaded.
    """
    t = ctx.table("owners")
    if t is None or t.count().to_pyarrow().as_py() == 0:
        return None
    team = t.team.cast("string").coalesce(t.department.cast("string"))
    full = t.first_name.cast("string").strip() + " " + t.last_name.cast("string").strip()
    keys = [t.owner_id, t.full_name, full, t.email]
    parts = [t.select(o_key=_key(k), o_team=team) for k in keys]
    u = ibis.union(*parts, distinct=False)
    u = u.filter(u.o_key.notnull() & (u.o_key != "") & u.o_team.notnull())
    return u.group_by("o_key").aggregate(o_team=u.o_team.max())


def owners_with_teams(ctx: RevenueContext) -> tuple[ir.Table, str | None]:
    """``person_id``, ``owner_id``, ``team`` for :func:`build_handoffs`, and a note
    saying how to load owners when there are none (every team is then ``NO_TEAM``)."""
    o = ctx.owners
    teams = owner_teams(ctx)
    if teams is None:
        return o.mutate(team=ibis.literal(NO_TEAM)), OWNERS_HINT
    j = o.left_join(teams, _key(o.owner_id) == teams.o_key)
    return j.select("person_id", "owner_id", team=j.o_team.fill_null(NO_TEAM)), None


def handoffs_for(
    ctx: RevenueContext,
    *,
    clock: Clock,
    owner_touches_only: bool = True,
    owners: ir.Table | None = None,
) -> Handoffs:
    """The hand-off table of the workspace, judged at ``ctx.as_of`` on *clock* (with
    *owners* from :func:`owners_with_teams`, each hand-off carries its rep's team)."""
    return build_handoffs(
        ctx.events,
        ctx.activities,
        terms=sales_terms(ctx.sla_body.body),
        clock=clock,
        as_of=ctx.as_of,
        owners=ctx.owners if owners is None else owners,
        entity_col="person_id",
        activity_entity_col="person_id",
        owner_entity_col="person_id",
        team_col=None if owners is None else "team",
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
    owners, teams_note = owners_with_teams(ctx)
    h = handoffs_for(ctx, clock=clock, owner_touches_only=owner_touches_only, owners=owners)
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
    teams = sales_compliance(h, start=start, end=end, by="team", first_only=first_only)
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
        teams=teams.cite(**cite),
        breaches=br.cite(**cite),
        citations=ctx.citations,
        resolved=ctx.resolved,
        teams_note=teams_note,
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
    derive_target: bool = False,
    revenue_goal: float | None = None,
    marketing_share: float | None = None,
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
    derive_target, revenue_goal, marketing_share
        Also derive marketing's target from the revenue goal
        (:func:`accord.workflows.revenue.sla_target.derive_mql_target`), optionally with
        the goal and the share given.
    """
    snapshot = store.snapshot() if derive_target else None
    with revenue_context(workspace, store, as_of=as_of) as ctx:
        body = ctx.sla_body.body
        grain: Period = period or (body.marketing.volume.per if body.marketing.volume else "month")
        s, e = period_window(ctx.as_of, grain)
        result = sla_with(
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
        if snapshot is None:
            return result
        target = derive_mql_target(
            ctx, snapshot, period=grain, revenue_goal=revenue_goal, marketing_share=marketing_share
        )
        return dataclasses.replace(result, target=target)
