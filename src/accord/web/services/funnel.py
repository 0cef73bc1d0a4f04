"""The Funnel & SLA page: the funnel in force, both sides of the SLA, lead feedback.

Computed by the workspace services of :mod:`accord.workflows.revenue` (the same as
``accord funnel``, ``accord sla`` and ``accord feedback``) on one
:class:`~accord.workflows.revenue.RevenueContext`, so every table cites the same
``funnel`` and ``sla`` versions, with the options of those commands
(:class:`FunnelArgs`). Default windows are the services': the funnel and lead feedback
over the 12 months to the end of the newest data's month, the SLA over the last three of
its periods. A window asked for (first and last day, both included) applies to the
funnel, the SLA's hand-offs and lead feedback alike.

The sales side can be narrowed to one team (:func:`for_team`): the per-rep compliance
and the breach list keep that team's reps (teams come from the ``owners`` table, as in
``accord sla``); the per-team table and marketing's side stay whole.

A rep sees their own breaches first (:func:`mine`): a breach is theirs when its owner,
as the CRM writes it (``Priya Raman``), matches their user name (``priya-raman``) or the
part of their email before the ``@`` (``priya.raman@...``), ignoring case and
punctuation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from accord.data.state import UserRecord
from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.sla.compliance import ALL
from accord.errors import AccordError, InputError
from accord.web.services.reports import Problem, Table, View, table_of
from accord.web.services.served import served
from accord.workflows.revenue.context import DIMENSIONS as BY
from accord.workflows.revenue.context import revenue_context
from accord.workflows.revenue.feedback import FEEDBACK_DIMENSIONS, feedback_with
from accord.workflows.revenue.funnel import default_window, funnel_with
from accord.workflows.revenue.sla import period_window, sla_with

__all__ = [
    "BY",
    "GRAINS",
    "SLA_PERIODS",
    "TABLES",
    "FunnelArgs",
    "for_team",
    "for_user",
    "funnel_view",
    "funnel_window",
    "mine",
    "teams_of",
]

GRAINS: tuple[str, ...] = ("week", "month")
"""``grain``: the funnel split by period (``accord funnel --grain``)."""
SLA_PERIODS: tuple[str, ...] = ("week", "month", "quarter")
"""``sla_period``: marketing's SLA period (``accord sla --period``)."""


@dataclass(frozen=True, slots=True)
class FunnelArgs:
    """The options of ``accord funnel`` / ``accord sla`` the page takes.

    Attributes
    ----------
    start, end
        First and last day included (``None``: the default window's). ``accord funnel
        --to`` is the day *after* the last: ``end`` here is ``--to`` minus one day.
    by
        Split the funnel by ``channel, campaign, segment, rep`` or ``source``; lead
        feedback by it too when it is ``source, campaign`` or ``channel`` (else source).
    grain
        ``week`` or ``month``: the funnel split by period (the over-time view's grain).
    sla_period
        Marketing's SLA period (default: the SLA's own).
    business_hours
        SLA clocks on working days only.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    by: str | None = None
    grain: Literal["week", "month"] | None = None
    sla_period: Literal["week", "month", "quarter"] | None = None
    business_hours: bool = False

    @property
    def feedback_by(self) -> str:
        """What lead feedback is split by."""
        return self.by if self.by in FEEDBACK_DIMENSIONS else "source"

    def key(self) -> tuple[Any, ...]:
        """What results for these options are cached under."""
        return (self.start, self.end, self.by, self.grain, self.sla_period, self.business_hours)


def _midnight(day: dt.date, plus: int = 0) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=plus), dt.time())


def funnel_window(args: FunnelArgs, as_of: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The funnel's local window ``[start, end)``: the days asked, else the default.

    >>> funnel_window(FunnelArgs(end=dt.date(2025, 3, 31)), dt.datetime(2025, 6, 2))
    (datetime.datetime(2024, 7, 1, 0, 0), datetime.datetime(2025, 4, 1, 0, 0))
    """
    start, end = default_window(as_of)
    return (
        _midnight(args.start) if args.start else start,
        _midnight(args.end, 1) if args.end else end,
    )


TABLES: dict[str, str] = {
    "stages": "Stage counts",
    "cohort": "Cohort conversion",
    "over_time": "Funnel over time",
    "timing": "Time between stages",
    "side_exits": "Side exits with reasons",
    "velocity": "Sales velocity",
    "sla_marketing": "SLA, marketing's side",
    "sla_compliance": "SLA, sales' side: compliance per rep",
    "sla_teams": "SLA, sales' side: compliance per team",
    "sla_breaches": "SLA breaches",
    "feedback_acceptance": "Lead acceptance by source",
    "feedback_reasons": "Rejection reasons by source",
    "feedback_recycled": "Recycled leads by source",
    "feedback_lead_value": "Lead value by source",
}
"""Every table of the page, by URL name (``/api/v1/funnel/<name>``)."""


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def mine(user: UserRecord, owner: Any) -> bool:
    """Whether a breach owned by *owner* (the CRM's rep name or id) is *user*'s.

    >>> from datetime import datetime, UTC
    >>> now = datetime.now(UTC)
    >>> priya = UserRecord("priya-raman", "p@x.co", "sales", "member", True, now, True)
    >>> mine(priya, "Priya Raman"), mine(priya, "Chloe Martin")
    (True, False)
    """
    if not isinstance(owner, str) or not owner:
        return False
    keys = {_key(user.name)}
    if user.email:
        keys.add(_key(user.email.split("@")[0]))
    return _key(owner) in keys


def for_user(view: View, user: UserRecord) -> View:
    """*view* with *user*'s own breaches first."""
    from dataclasses import replace

    breaches = view.get("sla_breaches")
    if breaches is None:
        return view
    ordered: Table = breaches.first(lambda r: mine(user, r.get("owner")))
    own = sum(1 for r in ordered.rows if mine(user, r.get("owner")))
    tables = tuple(ordered if t.name == "sla_breaches" else t for t in view.tables)
    return replace(view, tables=tables, extra={**view.extra, "own_breaches": own})


def teams_of(view: View) -> tuple[str, ...]:
    """The teams of the SLA's hand-offs (the per-team table's rows), for the team filter."""
    teams = view.get("sla_teams")
    if teams is None:
        return ()
    return tuple(str(r["group"]) for r in teams.rows if r.get("group") not in (None, ALL))


def for_team(view: View, team: str | None) -> View:
    """*view* with the per-rep compliance and the breaches of *team*'s reps only; the
    compliance's ``(all)`` row becomes the team's total (its row of ``sla_teams``).

    Raises
    ------
    InputError
        *team* is not one of :func:`teams_of` (HTTP 422).
    """
    from dataclasses import replace

    if team is None:
        return view
    known = teams_of(view)
    if team not in known:
        listed = ", ".join(known) if known else "none (no SLA in force, or no hand-offs)"
        hint = (
            "Use one of those teams (as written), or leave `team` out for every team."
            if known
            else "Load your CRM's users export for teams (`accord load users.csv --preset "
            "hubspot-users`), or leave `team` out for every team."
        )
        raise InputError(
            f"team={team[:60]!r} has no hand-offs in this window; teams: {listed}.", hint=hint
        )
    [total] = [r for r in view.table("sla_teams").rows if r.get("group") == team]
    tables = []
    for t in view.tables:
        if t.name == "sla_compliance":  # the team's reps, then the team's own total
            rows = [r for r in t.rows if r.get("team") == team]
            rows.append({c: total.get(c) for c in t.columns} | {"group": ALL, "team": team})
            t = replace(t, rows=tuple(rows))
        elif t.name == "sla_breaches":
            t = replace(t, rows=tuple(r for r in t.rows if r.get("team") == team))
        tables.append(t)
    return replace(view, tables=tuple(tables), parameters=(*view.parameters, ("team", team)))


def funnel_view(
    workspace: Workspace,
    store: SqlDefinitionStore,
    warehouse: Warehouse,
    args: FunnelArgs = FunnelArgs(),
) -> View:
    """Every table of the page for *args*, or the reason there are none (nothing in
    force, no data)."""
    tables: list[Table] = []
    problems: list[Problem] = []
    try:
        with revenue_context(served(workspace, warehouse), store) as ctx:
            start, end = funnel_window(args, ctx.as_of)
            f = funnel_with(ctx, start=start, end=end, by=args.by, grain=args.grain)
            for name, report in f.reports().items():
                if name in TABLES:
                    tables.append(table_of(name, TABLES[name], report.table))
            parameters = [
                ("as_of", ctx.as_of.isoformat(sep=" ")),
                ("time_zone", ctx.time_zone),
                ("funnel_from", start.date().isoformat()),
                ("funnel_to", (end - dt.timedelta(days=1)).date().isoformat()),
            ]
            parameters += [(k, v) for k, v in (("by", args.by), ("grain", args.grain)) if v]
            if ctx.sla is None:
                problems.append(Problem(
                    "No SLA is in force: both sides of the SLA and lead feedback wait for it.",
                    "`accord definitions list --kind sla`; its owners sign it.",
                ))  # fmt: skip
            else:
                grain = ctx.sla_body.body.marketing.volume
                period = args.sla_period or (grain.per if grain else "month")
                s_start, s_end = period_window(ctx.as_of, period)
                if args.start or args.end:
                    s_start, s_end = start, end
                sla = sla_with(ctx, start=s_start, end=s_end, period=period,
                               business_hours=args.business_hours)  # fmt: skip
                tables += [
                    table_of("sla_marketing", TABLES["sla_marketing"], sla.marketing.table),
                    table_of("sla_compliance", TABLES["sla_compliance"], sla.compliance.table),
                    table_of(
                        "sla_teams",
                        TABLES["sla_teams"],
                        sla.teams.table,
                        notes=(sla.teams_note,) if sla.teams_note else (),
                    ),
                    table_of("sla_breaches", TABLES["sla_breaches"], sla.breaches.table),
                ]
                parameters += [("sla_from", s_start.date().isoformat()),
                               ("sla_to", (s_end - dt.timedelta(days=1)).date().isoformat()),
                               ("sla_period", period),
                               ("sla_clock", "business hours" if args.business_hours
                                else "calendar"),
                               ("feedback_by", args.feedback_by)]  # fmt: skip
                fb = feedback_with(ctx, start=start, end=end, by=args.feedback_by)
                for name in ("acceptance", "reasons", "recycled", "lead_value"):
                    key = f"feedback_{name}"
                    tables.append(table_of(key, TABLES[key], getattr(fb, name).table))
            citations = ctx.citations
    except AccordError as exc:
        return View(problems=(Problem.of(exc),))
    return View(
        tables=tuple(tables),
        citations=citations,
        problems=tuple(problems),
        parameters=tuple(parameters),
    )
